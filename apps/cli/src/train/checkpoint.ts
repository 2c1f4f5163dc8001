/** Model + optimizer checkpoints (safetensors) on top of the atomic checkpoint folders. */
import { parseSafetensors, writeSafetensors, type Module, type Optimizer, type OptimizerState } from '@recur/recurrent';
import { dispose } from '@recur/tensor';
import { CliError, oneLine } from '../errors.js';
import { checkpointDir, loadCheckpointFiles, saveCheckpointFiles, type CheckpointName, type CheckpointState } from './checkpoint-files.js';

export type { CheckpointName, CheckpointState } from './checkpoint-files.js';
export { checkpointDir } from './checkpoint-files.js';

export type SaveState = Omit<CheckpointState, 'files' | 'format' | 'version' | 'name'>;

/**
 * Saves `model.safetensors` (PyTorch state_dict names), `optimizer.safetensors` (state tensors,
 * meta in the header) and `state.json` as checkpoint `name` of the run.
 *
 * @example
 * await saveCheckpoint(runDir, 'best', model, optimizer, state);
 */
export async function saveCheckpoint(runDir: string, name: CheckpointName, model: Module, optimizer: Optimizer, state: SaveState): Promise<string> {
  const modelBytes = await writeSafetensors(model.stateDict(), { format: 'pt', producer: 'recur' });
  const os = optimizer.stateDict();
  const optBytes = await writeSafetensors(os.tensors, { optimizer: JSON.stringify(os.meta) });
  return saveCheckpointFiles(runDir, name, { 'model.safetensors': modelBytes, 'optimizer.safetensors': optBytes }, state);
}

/** Path of a run's checkpoint, or a one-line error when there is none. */
export function requireCheckpoint(runDir: string, name: CheckpointName): string {
  const dir = checkpointDir(runDir, name);
  if (!dir) throw new CliError(`${runDir} has no ${name} checkpoint (checkpoints/${name}/state.json)`);
  return dir;
}

function parse(dir: string, file: string, bytes: Uint8Array | undefined) {
  if (!bytes) throw new CliError(`corrupt checkpoint ${dir}: ${file} is not listed in state.json`);
  try {
    return parseSafetensors(bytes);
  } catch (e) {
    throw new CliError(`corrupt checkpoint ${dir}/${file}: ${oneLine(e)}`);
  }
}

/**
 * Loads a checkpoint folder into `model` (and `optimizer` when given), after verifying its files.
 * A checkpoint from another architecture is a one-line "does not match" error.
 */
export function loadCheckpoint(dir: string, model: Module, optimizer?: Optimizer): CheckpointState {
  const { state, files } = loadCheckpointFiles(dir);
  const m = parse(dir, 'model.safetensors', files['model.safetensors']);
  try {
    model.loadStateDict(m.tensors);
  } catch (e) {
    throw new CliError(`checkpoint ${dir} does not match the model: ${oneLine(e).replace(/^\w+\.loadStateDict: /, '')}`);
  } finally {
    dispose(m.tensors);
  }
  if (optimizer) {
    const o = parse(dir, 'optimizer.safetensors', files['optimizer.safetensors']);
    try {
      const meta = JSON.parse(o.metadata.optimizer ?? 'null') as OptimizerState['meta'] | null;
      if (!meta) throw new Error('no optimizer metadata');
      optimizer.loadStateDict({ meta, tensors: o.tensors });
    } catch (e) {
      throw new CliError(`checkpoint ${dir}: optimizer state does not match (${oneLine(e)})`);
    } finally {
      dispose(o.tensors);
    }
  }
  return state;
}
