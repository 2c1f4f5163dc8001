/** The trainer's step and batched evaluation, on @recur/recurrent's trainStep and evaluate; neither leaves a tensor behind. */
import { noGrad } from '@recur/autograd';
import {
  bceWithLogits, evaluate as libEvaluate, trainStep as libTrainStep, type Optimizer, type SentimentRNN,
} from '@recur/recurrent';
import { BucketIterator, toBatchTensors, type Batch, type Encoded } from '@recur/text';
import { cast, equal, greater, reshape, sum, type Tensor } from '@recur/tensor';
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

/** The loss of a batch and its count of correct predictions (under noGrad), in the caller's scope. */
function lossAndCorrect(model: SentimentRNN, batch: Batch): { loss: Tensor; metrics: { correct: Tensor } } {
  const { ids, labels } = toBatchTensors(batch);
  const logits = reshape(model.forward(ids, batch.lengths), [batch.batchSize]); // (B)
  const loss = bceWithLogits(logits, labels);
  const correct = noGrad(() => sum(cast(equal(cast(greater(logits, 0), 'float32'), labels), 'float32'))); // ()
  return { loss, metrics: { correct } };
}

/**
 * The trainer's step: `@recur/recurrent`'s {@link libTrainStep} with the BCE loss, the count of
 * correct predictions as its metric and optional clipping. When the loss is not finite the
 * parameters are left untouched and the loss is returned as is (the caller stops).
 *
 * @example
 * const step = makeTrainStep(model, optimizer, 5);
 * const { loss, correct } = await step(batch);
 */
export function makeTrainStep(model: SentimentRNN, optimizer: Optimizer, clip: number): (batch: Batch) => Promise<StepResult> {
  const step = libTrainStep({ model, optimizer, clipNorm: clip, onNonFinite: 'skip', loss: (b: Batch) => lossAndCorrect(model, b) });
  return async (batch) => {
    const r = await step(batch);
    if (!r.skipped) faultPoint('step');
    return { loss: r.loss, correct: r.metrics.correct! };
  };
}

/** The batches of `examples` in input order; between two, yields to the event loop and checks `shouldStop`. */
async function* evalBatches(examples: readonly Encoded[], o: EvalOptions): AsyncGenerator<Batch> {
  const it = new BucketIterator(examples, {
    batchSize: o.batchSize, padIndex: o.padIndex, unkIndex: o.unkIndex, shuffle: false,
    ...(o.maxLength > 0 ? { maxLength: o.maxLength } : {}),
  });
  let done = 0;
  for (const batch of it.epoch(0)) {
    if (o.shouldStop) {
      await tick(); // a signal that arrived during the previous batch is handled here
      if (o.shouldStop()) throw new EvalInterrupted(done, examples.length);
    }
    if (o.phase) faultPoint(o.phase);
    yield batch;
    done += batch.batchSize;
  }
}

/** The logit of every example, in input order (eval mode, no gradients). */
export async function predictLogits(model: SentimentRNN, examples: readonly Encoded[], o: EvalOptions): Promise<Float32Array> {
  const out = new Float32Array(examples.length);
  if (examples.length === 0) return out;
  await libEvaluate({
    model, batches: evalBatches(examples, o),
    outputs: (batch: Batch) => ({ logit: reshape(model.forward(toBatchTensors(batch).ids, batch.lengths), [batch.batchSize]) }), // (B)
    onBatch: (v, batch) => batch.indices.forEach((ex, b) => (out[ex] = v.logit[b]!)),
  });
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
