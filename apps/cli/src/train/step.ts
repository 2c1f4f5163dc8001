/** One training step and batched evaluation, each leaving no tensor behind. */
import { backward, noGrad } from '@recur/autograd';
import { bceWithLogits, clipGradNorm, type Optimizer, type SentimentRNN } from '@recur/recurrent';
import { BucketIterator, toBatchTensors, type Batch, type Encoded } from '@recur/text';
import { dispose, greater, keep, reshape, scope, type Tensor } from '@recur/tensor';
import { faultPoint } from '../faults.js';
import { confusion, type EvalResult } from '../metrics.js';

/** Options of {@link predictLogits} and {@link evaluate}. */
export interface EvalOptions {
  batchSize: number;
  padIndex: number;
  unkIndex: number;
  /** Tokens kept per text (0 = all). */
  maxLength: number;
  /** Checked between batches (after yielding to the event loop, so signal handlers run). */
  shouldStop?: () => boolean;
  /** Fault-injection phase reported before each batch (see faults.ts). */
  phase?: string;
}

/** Thrown by {@link predictLogits} when `shouldStop` says so between two batches. */
export class EvalInterrupted extends Error {
  constructor(readonly done: number, readonly total: number) {
    super(`evaluation interrupted after ${done} of ${total} texts`);
    this.name = 'EvalInterrupted';
  }
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** log(1 + e^x) without overflow. */
export const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** σ(x). */
export const sigmoidOf = (x: number): number => 1 / (1 + Math.exp(-x));

export interface StepResult {
  /** Mean loss of the batch. */
  loss: number;
  /** Correct predictions in the batch. */
  correct: number;
}

/**
 * Forward, backward, optional clipping and the optimizer update on one batch. When the loss is not
 * finite the parameters are left untouched and the loss is returned as is (the caller stops).
 *
 * @example
 * const { loss, correct } = await trainStep(model, optimizer, batch, 5);
 */
export async function trainStep(model: SentimentRNN, optimizer: Optimizer, batch: Batch, clip: number): Promise<StepResult> {
  const params = optimizer.params.map((p) => p.value);
  const { loss, correct } = scope(() => {
    const { ids, lengths, labels } = toBatchTensors(batch);
    const logits = reshape(model.forward(ids, batch.lengths), [batch.batchSize]); // (B)
    const l = bceWithLogits(logits, labels);
    const hit = noGrad(() => greater(logits, 0)); // (B) bool
    dispose([ids, lengths, labels]);
    return { loss: keep(l), correct: keep(hit) };
  });
  let grads: Tensor[] = [];
  try {
    grads = backward(loss, params);
    const value = (await loss.data())[0]!;
    const predicted = await correct.data();
    let right = 0;
    for (let i = 0; i < batch.batchSize; i++) if ((predicted[i] ? 1 : 0) === batch.labels[i]) right++;
    if (!Number.isFinite(value)) return { loss: value, correct: right };
    if (clip > 0) {
      const c = clipGradNorm(grads, clip);
      c.totalNorm.dispose();
      dispose(grads);
      grads = c.grads;
    }
    optimizer.step(grads);
    faultPoint('step');
    return { loss: value, correct: right };
  } finally {
    dispose(grads);
    loss.dispose();
    correct.dispose();
  }
}

/** The logit of every example, in input order (eval mode, no gradients). */
export async function predictLogits(model: SentimentRNN, examples: readonly Encoded[], o: EvalOptions): Promise<Float32Array> {
  const out = new Float32Array(examples.length);
  if (examples.length === 0) return out;
  const it = new BucketIterator(examples, {
    batchSize: o.batchSize, padIndex: o.padIndex, unkIndex: o.unkIndex, shuffle: false,
    ...(o.maxLength > 0 ? { maxLength: o.maxLength } : {}),
  });
  const wasTraining = model.training;
  model.eval();
  let done = 0;
  try {
    for (const batch of it.epoch(0)) {
      if (o.shouldStop) {
        await tick(); // a signal that arrived during the previous batch is handled here
        if (o.shouldStop()) throw new EvalInterrupted(done, examples.length);
      }
      if (o.phase) faultPoint(o.phase);
      const p = noGrad(() => scope(() => {
        const { ids, lengths, labels } = toBatchTensors(batch);
        const logit = reshape(model.forward(ids, batch.lengths), [batch.batchSize]); // (B)
        dispose([ids, lengths, labels]);
        return logit;
      }));
      const values = await p.data();
      p.dispose();
      batch.indices.forEach((ex, b) => (out[ex] = values[b]!));
      done += batch.batchSize;
    }
  } finally {
    model.train(wasTraining);
  }
  return out;
}

/**
 * Accuracy, mean BCE loss and the confusion matrix of `model` on labelled examples (eval mode).
 *
 * @example
 * const r = await evaluate(model, validEncoded, { batchSize: 128, padIndex: 1, unkIndex: 0, maxLength: 0 });
 */
export async function evaluate(model: SentimentRNN, examples: readonly Encoded[], o: EvalOptions): Promise<EvalResult> {
  const start = performance.now();
  const logits = await predictLogits(model, examples, o);
  const labels = Int32Array.from(examples, (e) => e.label ?? 0);
  const preds = Int32Array.from(logits, (x) => (x > 0 ? 1 : 0));
  let loss = 0;
  let right = 0;
  logits.forEach((x, i) => {
    loss += softplus(x) - labels[i]! * x; // BCE with logits, as bceWithLogits
    if (preds[i] === labels[i]) right++;
  });
  const n = examples.length || 1;
  return { loss: loss / n, acc: right / n, count: examples.length, confusion: confusion(labels, preds), seconds: (performance.now() - start) / 1000 };
}
