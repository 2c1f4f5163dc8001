/** Helpers of the fault-injection tests: a child `recur` with fault/pause hooks, and run comparisons. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { readMetrics } from '../src/metrics.js';
import { openRun } from '../src/run-dir.js';
import { loadCheckpoint } from '../src/train/checkpoint.js';
import { buildModel, buildOptimizer } from '../src/train/model.js';
import { BIN, REPO_ROOT } from './helpers.js';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `recur argv…` with extra environment; `done` resolves when it exits. */
export function startChild(argv: string[], env: Record<string, string>, cwd = REPO_ROOT): { child: ChildProcess; done: Promise<ChildResult>; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, ...argv], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<ChildResult>((ok) => child.on('exit', (code, signal) => ok({ code, signal, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

/** Resolves once the child's stderr contains `text`. */
export async function waitForStderr(c: ReturnType<typeof startChild>, text: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!c.stderr().includes(text)) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`child did not print '${text}'; stderr: ${c.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const CHECKPOINT_DIRS = ['best', 'last', '.best.old', '.last.old'];

/** Every checkpoint folder with a state.json loads (weights and optimizer) into the run's model. */
export function expectCheckpointsLoad(run: string): string[] {
  if (!existsSync(join(run, 'config.json'))) return [];
  const { config, vocab } = openRun(run);
  const found: string[] = [];
  for (const name of CHECKPOINT_DIRS) {
    const dir = join(run, 'checkpoints', name);
    if (!existsSync(join(dir, 'state.json'))) continue;
    const model = buildModel(config, vocab.size, vocab.padIndex);
    const opt = buildOptimizer(config.optimizer, model, config.lr);
    try {
      loadCheckpoint(dir, model, opt);
      found.push(name);
    } finally {
      opt.dispose();
      model.dispose();
    }
  }
  return found;
}

const bytes = (run: string, rel: string) => readFileSync(join(run, 'checkpoints', rel));
const stripRow = (r: object) => ({ ...r, seconds: 0, elapsed: 0, tokensPerSec: 0 });
const STABLE = ['status', 'parameters', 'architecture', 'vocabSize', 'trainCount', 'validCount', 'epoch', 'step', 'bestValidAcc', 'bestEpoch', 'testAcc', 'testLoss', 'confusion', 'testCheckpoint'];

/** `run` ended exactly as `ref`: checkpoints byte for byte, metrics (but timings), summary, report. */
export function expectSameRun(run: string, ref: string): void {
  for (const f of ['best/model.safetensors', 'last/model.safetensors', 'last/optimizer.safetensors', 'best/optimizer.safetensors']) {
    expect(bytes(run, f).equals(bytes(ref, f)), f).toBe(true);
  }
  expect(readMetrics(join(run, 'metrics.jsonl')).map(stripRow)).toEqual(readMetrics(join(ref, 'metrics.jsonl')).map(stripRow));
  const summary = (r: string) => {
    const o = JSON.parse(readFileSync(join(r, 'run.json'), 'utf8')) as Record<string, unknown>;
    return Object.fromEntries(STABLE.map((k) => [k, o[k]]));
  };
  expect(summary(run)).toEqual(summary(ref));
  expect(existsSync(join(run, 'report.html'))).toBe(true);
  expect(existsSync(join(run, 'owner.json'))).toBe(false);
}
