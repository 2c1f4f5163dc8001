/** The metrics log of a run: JSONL rows, one per step window, per epoch, and for the final test. */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './fs-util.js';

/** A window of `logEvery` training steps. */
export interface StepRow {
  type: 'step';
  epoch: number;
  step: number;
  loss: number;
  acc: number;
  tokensPerSec: number;
  elapsed: number;
}

export interface EpochRow {
  type: 'epoch';
  epoch: number;
  step: number;
  trainLoss: number;
  trainAcc: number;
  validLoss: number;
  validAcc: number;
  seconds: number;
  best: boolean;
}

/** Confusion matrix rows = true label, columns = predicted: [[tn, fp], [fn, tp]]. */
export type Confusion = [[number, number], [number, number]];

export interface EvalResult {
  loss: number;
  acc: number;
  count: number;
  confusion: Confusion;
  seconds: number;
}

export interface TestRow extends EvalResult {
  type: 'test';
  split: string;
  checkpoint: string;
}

export interface BaselineRow {
  type: 'baseline';
  model: 'bag-of-words logistic regression';
  trainAcc: number;
  testAcc: number;
  split: string;
  features: number;
  seconds: number;
}

export type MetricsRow = StepRow | EpochRow | TestRow | BaselineRow;

export function appendMetrics(path: string, row: MetricsRow): void {
  appendFileSync(path, `${JSON.stringify(row)}\n`);
}

export function readMetrics(path: string): MetricsRow[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as MetricsRow];
      } catch {
        return []; // a line cut by a crash: skip it
      }
    });
}

/** Keeps only rows up to `step` (used on resume, so rows written after the checkpoint are dropped). */
export function truncateMetrics(path: string, step: number): void {
  const rows = readMetrics(path).filter((r) => (r.type === 'step' || r.type === 'epoch' ? r.step <= step : r.type === 'baseline'));
  writeFileAtomic(path, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/** Confusion matrix of 0/1 predictions. */
export function confusion(labels: ArrayLike<number>, preds: ArrayLike<number>): Confusion {
  const m: Confusion = [[0, 0], [0, 0]];
  for (let i = 0; i < labels.length; i++) m[labels[i] ? 1 : 0][preds[i] ? 1 : 0]++;
  return m;
}
