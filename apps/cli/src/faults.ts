/**
 * Deterministic fault injection for the reliability tests. Code calls {@link faultPoint} at named
 * phases of a run (set-up, each step, inside each checkpoint write and rename, the final
 * evaluation, the report). Two environment variables act on them; without them a phase costs one
 * lookup:
 *
 * - `RECUR_DEBUG_FAULT=<phase>[@n]`: SIGKILL this process at the n-th time (default 1st) the phase
 *   is reached, as a power cut or `kill -9` would.
 * - `RECUR_DEBUG_PAUSE=<phase>[@n]` with `RECUR_DEBUG_PAUSE_FILE=<path>`: at that point print
 *   `recur-debug: paused at <phase>` on stderr and block (without yielding to the event loop, like a
 *   long computation) until the file exists; a test sends a signal, then creates the file.
 *
 * Phases: `setup`, `step` (after each optimizer update), `checkpoint-write:<best|last>` (data
 * files written, `state.json` not yet), `checkpoint-rename:<best|last>` (between the two renames),
 * `final-eval` (before each batch of the final test evaluation), `report` (`run.json` written,
 * `report.html` not yet).
 */
import { existsSync } from 'node:fs';

const seen = new Map<string, number>();

function parse(spec: string | undefined): { phase: string; n: number } | null {
  if (!spec) return null;
  const m = /^([a-z:-]+)(?:@(\d+))?$/.exec(spec.trim());
  if (!m) throw new Error(`RECUR_DEBUG_FAULT/RECUR_DEBUG_PAUSE: expected <phase>[@n], got '${spec}'`);
  return { phase: m[1]!, n: m[2] ? Number(m[2]) : 1 };
}

function blockUntil(file: string): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 120_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`RECUR_DEBUG_PAUSE: ${file} did not appear within 120 s`);
    Atomics.wait(cell, 0, 0, 10);
  }
}

/**
 * Marks that the run reached `phase`; kills or pauses the process there when the environment asks.
 *
 * @example
 * faultPoint('checkpoint-rename:last'); // RECUR_DEBUG_FAULT=checkpoint-rename:last@2 dies here the 2nd time
 */
export function faultPoint(phase: string): void {
  const fault = parse(process.env.RECUR_DEBUG_FAULT);
  const pause = parse(process.env.RECUR_DEBUG_PAUSE);
  if (!fault && !pause) return;
  const count = (seen.get(phase) ?? 0) + 1;
  seen.set(phase, count);
  if (fault && fault.phase === phase && fault.n === count) process.kill(process.pid, 'SIGKILL');
  if (pause && pause.phase === phase && pause.n === count) {
    const file = process.env.RECUR_DEBUG_PAUSE_FILE;
    if (!file) throw new Error('RECUR_DEBUG_PAUSE needs RECUR_DEBUG_PAUSE_FILE');
    process.stderr.write(`recur-debug: paused at ${phase}\n`);
    blockUntil(file);
  }
}
