/**
 * A training session in the worker: the SentimentRNN, its optimizer and the batch stream. One step
 * is `@recur/recurrent`'s `trainStep` (forward + loss + backward + optional clipping + update, with
 * a single read-back of loss, gradient norm and correct count, so the GPU queue is synchronised
 * once per step); validation is its `evaluate`.
 */
import { noGrad } from '@recur/autograd';
import {
  Adam, bceWithLogits, crossEntropy, evaluate, SentimentRNN, SGD, trainStep, type Optimizer, type Reduction, type TrainStep,
} from '@recur/recurrent';
import { add, argMax, cast, equal, greater, keep, mul, reshape, scope, sum, tensor, type Tensor } from '@recur/tensor';
import { BucketIterator, type Batch, type Encoded } from '@recur/text';
import type { EncodedSplit } from '../data/dataset.js';
import { outputDim, type ModelConfig, type TrainConfig } from '../model-config.js';
import type { EvalReport, StepReport } from '../protocol.js';

/** Builds the classifier for a config (seeded, so Reset gives the same start). */
export function buildModel(c: ModelConfig, seed: number): SentimentRNN {
  const model = new SentimentRNN({
    vocabSize: c.vocabSize, embeddingDim: c.embeddingDim, hiddenDim: c.hiddenSize, outputDim: outputDim(c.numClasses),
    numLayers: c.numLayers, bidirectional: c.bidirectional, dropout: c.dropout, padIdx: c.padIndex, cell: c.cell, seed,
  });
  if (c.cell === 'lstm' && c.forgetBias1) setForgetBias(model, 1);
  return model;
}

/**
 * Sets every LSTM layer's forget-gate bias (block f of i,f,g,o) to `value`: `bias_ih` gets the value,
 * `bias_hh` zero, so their sum — what the gate sees — is exactly `value`.
 */
export function setForgetBias(model: SentimentRNN, value: number): void {
  for (const [name, p] of model.rnn.namedParameters()) {
    const m = /^bias_(ih|hh)_l\d+(_reverse)?$/.exec(name);
    if (!m) continue;
    const G = p.shape[0]!, H = G / 4;
    const inF = (i: number) => i >= H && i < 2 * H;
    const keepMask = Float32Array.from({ length: G }, (_, i) => (inF(i) ? 0 : 1));
    const fill = Float32Array.from({ length: G }, (_, i) => (inF(i) && m[1] === 'ih' ? value : 0));
    p.assign(keep(noGrad(() => scope(() => add(mul(p.value, tensor(keepMask)), tensor(fill)))))); // (G,)
  }
}

/** The examples of a split as views into its flat id array. */
export function examplesOf(s: EncodedSplit): Encoded[] {
  const out: Encoded[] = [];
  for (let i = 0; i < s.labels.length; i++) out.push({ ids: s.ids.subarray(s.offsets[i]!, s.offsets[i + 1]!), label: s.labels[i]! });
  return out;
}

/**
 * Loss and correct predictions of a batch (inside the caller's scope): the mean loss and the count
 * with `reduction: 'mean'`, per-example values (shape (B)) with `'none'`.
 */
function lossAndCorrect(model: SentimentRNN, b: Batch, reduction: Reduction = 'mean'): { loss: Tensor; correct: Tensor } {
  const ids = tensor(b.ids, [b.seqLen, b.batchSize], 'int32'); // (T, B)
  const logits = model.forward(ids, b.lengths); // (B, O)
  const O = logits.shape[1]!;
  const count = (hit: Tensor) => (reduction === 'none' ? cast(hit, 'float32') : sum(cast(hit, 'float32')));
  if (O === 1) {
    const flat = reshape(logits, [b.batchSize]); // (B,)
    const y = tensor(b.labels, [b.batchSize], 'float32');
    const correct = noGrad(() => count(equal(cast(greater(flat, 0), 'float32'), y)));
    return { loss: bceWithLogits(flat, y, { reduction }), correct };
  }
  const y = tensor(Int32Array.from(b.labels), [b.batchSize], 'int32');
  const correct = noGrad(() => count(equal(argMax(logits, 1), y)));
  return { loss: crossEntropy(logits, y, { reduction }), correct };
}

export class TrainingSession {
  readonly model: SentimentRNN;
  private readonly opt: Optimizer;
  private readonly stepFn: TrainStep<Batch>;
  private readonly trainIt: BucketIterator;
  private readonly validIt: BucketIterator;
  private queue: Batch[] = [];
  private epoch = 0;
  step = 0;

  constructor(readonly config: ModelConfig, readonly train: TrainConfig, trainSplit: EncodedSplit, validSplit: EncodedSplit, unkIndex: number, readonly seed = train.seed) {
    this.model = buildModel(config, seed);
    this.opt = train.optimizer === 'adam'
      ? new Adam(this.model.trainableParameters(), { lr: train.learningRate })
      : new SGD(this.model.trainableParameters(), { lr: train.learningRate, momentum: 0.9 });
    const opts = { batchSize: train.batchSize, padIndex: config.padIndex, unkIndex, seed: train.seed };
    this.stepFn = trainStep({
      model: this.model, optimizer: this.opt, clipNorm: train.clipNorm, gradNorm: true, onNonFinite: 'skip',
      loss: (b: Batch) => {
        const { loss, correct } = lossAndCorrect(this.model, b);
        return { loss, metrics: { correct } };
      },
    });
    this.trainIt = new BucketIterator(examplesOf(trainSplit), opts);
    // Validation on at most 512 examples keeps it to a blink between steps.
    this.validIt = new BucketIterator(examplesOf(validSplit).slice(0, 512), { ...opts, batchSize: 64, shuffle: false });
  }

  private nextBatch(): Batch {
    if (this.queue.length === 0) this.queue = [...this.trainIt.epoch(this.epoch++)];
    return this.queue.shift()!;
  }

  /** One optimisation step; resolves once its numbers are read back. */
  async trainStep(): Promise<StepReport> {
    const t0 = performance.now();
    const b = this.nextBatch();
    const r = await this.stepFn(b);
    this.step++;
    if (r.skipped) throw new Error(`the loss is ${r.loss} at step ${this.step}: lower the learning rate or turn on gradient clipping, then Reset`);
    const ms = performance.now() - t0;
    let tokens = 0;
    for (const n of b.lengths) tokens += n;
    return { step: this.step, loss: r.loss, accuracy: r.metrics.correct! / b.batchSize, gradNorm: r.gradNorm!, tokensPerSec: tokens / (ms / 1000), ms };
  }

  /** Mean loss and accuracy on (up to 512 of) the validation examples. */
  async evaluate(): Promise<EvalReport | null> {
    if (this.validIt.length === 0) return null;
    const r = await evaluate({
      model: this.model, batches: this.validIt.epoch(0),
      outputs: (b: Batch) => {
        const { loss, correct } = lossAndCorrect(this.model, b, 'none');
        return { loss, correct };
      },
    });
    return { step: this.step, loss: r.mean.loss, accuracy: r.mean.correct, examples: r.count.loss };
  }

  dispose(): void {
    this.opt.dispose();
    this.model.dispose();
  }
}
