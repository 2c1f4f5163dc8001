/**
 * Where `recur train --resume` picks a run up. Every interrupted state has a way forward:
 *
 * - a valid `last` checkpoint (or `.last.old`, left by a crash between the two renames): continue it;
 * - `last` missing or corrupt but `best` valid: continue from `best` (at an epoch end `best` is
 *   written just before `last` with the same state, and its epoch row is already in the log);
 * - no usable checkpoint at all (stopped during set-up or the first steps): train again from step 0
 *   with the run's own configuration, vocabulary and seed, which gives the same run;
 * - training complete but the final test or report missing (stopped during the final evaluation or
 *   while writing the report): run the final evaluation and write the report.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { readJson } from '../fs-util.js';
import { runFiles } from '../run-dir.js';
import { loadCheckpointFiles, type CheckpointName, type CheckpointState } from './checkpoint-files.js';

export interface ResumePoint {
  dir: string;
  name: CheckpointName;
  state: CheckpointState;
}

/** Candidate folders of checkpoint `name`: the folder itself, then the one a crash left mid-rename. */
function candidates(runDir: string, name: CheckpointName): string[] {
  const base = join(runDir, 'checkpoints');
  return [join(base, name), join(base, `.${name}.old`)].filter((d) => existsSync(join(d, 'state.json')));
}

/**
 * The newest usable checkpoint (see the module comment), or null when there is none. Corrupt
 * checkpoints are reported through `warn` and skipped.
 *
 * @example
 * const at = pickResumePoint(runDir, (m) => progress.info(`warning: ${m}`));
 */
export function pickResumePoint(runDir: string, warn: (message: string) => void): ResumePoint | null {
  for (const name of ['last', 'best'] as const) {
    for (const dir of candidates(runDir, name)) {
      try {
        const { state } = loadCheckpointFiles(dir);
        if (name === 'best') warn(`no usable last checkpoint; resuming from ${dir} (epoch ${state.epoch}, step ${state.step}), which holds the same state as the last one written at that epoch's end`);
        return { dir, name, state };
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        warn(`${e.message}; skipping it`);
      }
    }
  }
  return null;
}

/** True when the run's final result exists: `run.json` says finished and `report.html` is there. */
export function runIsComplete(runDir: string): boolean {
  const f = runFiles(runDir);
  if (!existsSync(f.summary) || !existsSync(f.report)) return false;
  try {
    return readJson<{ status?: string }>(f.summary, 'run summary').status === 'finished';
  } catch {
    return false;
  }
}
