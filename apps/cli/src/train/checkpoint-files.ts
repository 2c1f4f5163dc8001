/**
 * Checkpoint directories, written so that a crash never leaves a truncated checkpoint under the
 * name `best` or `last`:
 *
 * 1. every file goes into `checkpoints/.<name>.tmp-<pid>/` (each file fsynced), `state.json` last,
 *    holding the SHA-256 and size of every other file;
 * 2. the old `checkpoints/<name>/` is renamed to `.<name>.old`, the temp folder to `<name>`, and the
 *    old one removed. A crash between the two renames leaves `.<name>.old`, which `resolve` uses.
 *
 * Loading re-checks sizes and hashes, so a corrupt or half-copied checkpoint is reported, not loaded.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { faultPoint } from '../faults.js';
import { writeFileAtomic, writeJsonAtomic } from '../fs-util.js';

export type CheckpointName = 'best' | 'last';

export interface RunningSums { loss: number; correct: number; count: number; tokens: number; seconds: number }

/** Bookkeeping of a checkpoint: where training stands and how to continue exactly. */
export interface CheckpointState {
  format: 'recur-checkpoint';
  version: 1;
  name: CheckpointName;
  /** Epoch the next step belongs to (0-based) and steps of it already done. */
  epoch: number;
  stepInEpoch: number;
  /** Optimizer steps done in total. */
  step: number;
  /** Global random stream of @recur/tensor (dropout) at this point. */
  rng: { seed: number; counter: number };
  /** Running sums of the current epoch, so its summary row matches an uninterrupted run. */
  epochSums: RunningSums;
  /** Running sums of the current metrics-log window. */
  windowSums?: RunningSums;
  bestValidAcc: number;
  bestEpoch: number;
  /** Training wall time so far (seconds). */
  trainSeconds: number;
  /** True once every epoch is done. */
  finished: boolean;
  validAcc?: number;
  files: Record<string, { bytes: number; sha256: string }>;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Folder of the checkpoint `name` in run `dir`, recovering from a crash between renames. */
export function checkpointDir(runDir: string, name: CheckpointName): string | null {
  const base = join(runDir, 'checkpoints');
  const main = join(base, name);
  if (existsSync(join(main, 'state.json'))) return main;
  const old = join(base, `.${name}.old`);
  if (existsSync(join(old, 'state.json'))) return old;
  return null;
}

/**
 * Writes a checkpoint atomically (see the module comment).
 *
 * @example
 * saveCheckpointFiles(run, 'last', { 'model.safetensors': bytes, 'optimizer.safetensors': opt }, state);
 */
export function saveCheckpointFiles(runDir: string, name: CheckpointName, files: Record<string, Uint8Array>, state: Omit<CheckpointState, 'files' | 'format' | 'version' | 'name'>): string {
  const base = join(runDir, 'checkpoints');
  mkdirSync(base, { recursive: true });
  const tmp = join(base, `.${name}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const meta: CheckpointState['files'] = {};
  for (const [file, bytes] of Object.entries(files)) {
    writeFileAtomic(join(tmp, file), bytes);
    meta[file] = { bytes: bytes.length, sha256: sha256(bytes) };
  }
  faultPoint(`checkpoint-write:${name}`);
  const full: CheckpointState = { format: 'recur-checkpoint', version: 1, name, ...state, files: meta };
  writeJsonAtomic(join(tmp, 'state.json'), full);
  const target = join(base, name);
  const old = join(base, `.${name}.old`);
  rmSync(old, { recursive: true, force: true });
  if (existsSync(target)) renameSync(target, old);
  faultPoint(`checkpoint-rename:${name}`);
  renameSync(tmp, target);
  rmSync(old, { recursive: true, force: true });
  return target;
}

/** Removes temp folders left by a crashed save. */
export function cleanCheckpointTemps(runDir: string): void {
  const base = join(runDir, 'checkpoints');
  if (!existsSync(base)) return;
  for (const e of readdirSync(base)) if (/^\.(best|last)\.tmp-/.test(e)) rmSync(join(base, e), { recursive: true, force: true });
}

/** Reads a checkpoint's state and files, verifying sizes and hashes; one-line errors when corrupt. */
export function loadCheckpointFiles(dir: string): { state: CheckpointState; files: Record<string, Uint8Array> } {
  let state: CheckpointState;
  try {
    state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as CheckpointState;
  } catch (e) {
    throw new CliError(`corrupt checkpoint ${dir}: state.json unreadable (${(e as Error).message.split('\n')[0]})`);
  }
  if (state?.format !== 'recur-checkpoint' || state.version !== 1 || typeof state.files !== 'object') {
    throw new CliError(`corrupt checkpoint ${dir}: state.json is not a recur-checkpoint v1`);
  }
  const files: Record<string, Uint8Array> = {};
  for (const [file, m] of Object.entries(state.files)) {
    const p = join(dir, file);
    if (!existsSync(p)) throw new CliError(`corrupt checkpoint ${dir}: ${file} is missing`);
    const bytes = new Uint8Array(readFileSync(p));
    if (bytes.length !== m.bytes || sha256(bytes) !== m.sha256) {
      throw new CliError(`corrupt checkpoint ${dir}: ${file} does not match its recorded size/hash (${bytes.length} bytes, expected ${m.bytes})`);
    }
    files[file] = bytes;
  }
  return { state, files };
}
