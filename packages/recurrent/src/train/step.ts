/**
 * One training step as a function of the batch: forward, backward, optional clipping and the
 * optimizer update, with loss, gradient norm and metrics read back in a single transfer. The apps
 * (CLI trainer, playground worker, bench) and `Optimizer.minimize` all run this one.
 */
import { backward } from '@recur/autograd';
import { dispose, formatShape, keep, scope, sqrt, square, stack, sum, Tensor } from '@recur/tensor';
import { clipGradNorm } from '../clip.js';
import type { Module } from '../module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { readTogether, scalarOf } from './read-back.js';

/** What a loss function returns: the scalar loss alone, or with extra scalar metrics to read back. */
export type LossOutput = Tensor | { loss: Tensor; metrics?: Record<string, Tensor> };

export interface TrainStepOptions<B> {
  /** Put in training mode before each step (Dropout reads the mode). */
  model?: Module;
  /**
   * Builds the scalar loss of a batch (and optional scalar metrics, computed under `noGrad`).
   * Tensors it creates are freed when the forward pass ends; the tape keeps what backward needs.
   */
  loss: (batch: B) => LossOutput;
  optimizer: Optimizer;
  /** Clip the global L2 gradient norm to this before the update (`clipGradNorm`); 0 or absent: no clipping. */
  clipNorm?: number;
  /** Report the gradient norm (before clipping) even without `clipNorm`; it costs a reduction per parameter. */
  gradNorm?: boolean;
  /**
   * A non-finite loss leaves the parameters untouched; then `'throw'` (default) raises an error and
   * `'skip'` returns the result with `skipped: true` (the caller decides what to do).
   */
  onNonFinite?: 'throw' | 'skip';
  /** Names the step in error messages (default `'<Optimizer> step'`). */
  label?: string;
}

export interface TrainStepResult {
  /** The loss of the batch. */
  loss: number;
  /** Global L2 norm of the gradients before clipping; present with `clipNorm` or `gradNorm: true`. */
  gradNorm?: number;
  /** The metrics the loss function returned, as numbers. */
  metrics: Record<string, number>;
  /** True when the loss was not finite and no update was made (only with `onNonFinite: 'skip'`). */
  skipped: boolean;
}

/** A step function from {@link trainStep}: resolves once the batch's numbers are read back. */
export type TrainStep<B> = (batch: B) => Promise<TrainStepResult>;

/**
 * Makes the training step for a model, a loss and an optimizer. `step(batch)` runs the forward
 * pass in a scope, backpropagates to the optimizer's parameters, clips, reads the loss, gradient
 * norm and metrics back in one transfer, then updates (unless the loss is not finite). Every tensor
 * it makes is freed before it resolves; only the parameters and the optimizer state change.
 *
 * @example
 * const step = trainStep({
 *   model, optimizer: new Adam(model, { lr: 1e-3 }), clipNorm: 5,
 *   loss: ({ x, y }) => bceWithLogits(model.forward(x), y),
 * });
 * for (const batch of batches) console.log((await step(batch)).loss);
 */
export function trainStep<B>(o: TrainStepOptions<B>): TrainStep<B> {
  const clip = o.clipNorm ?? 0;
  if (!(clip >= 0)) throw new Error(`trainStep: clipNorm must be ≥ 0, got ${o.clipNorm}`);
  const withNorm = clip > 0 || o.gradNorm === true;
  const who = o.label ?? `${o.optimizer.constructor.name} step`;
  return async (batch: B) => {
    o.model?.train();
    const params = o.optimizer.params.map((p) => p.value);
    const { loss, metrics } = scope(() => {
      const out = o.loss(batch);
      const r = out instanceof Tensor ? { loss: out } : out;
      if (r.loss.size !== 1) throw new Error(`${who}: the loss must be a scalar, got ${formatShape(r.loss.shape)}`);
      const m = r.metrics ?? {};
      return { loss: keep(r.loss), metrics: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, keep(v)])) };
    });
    let grads: Tensor[] = [];
    let norm: Tensor | undefined;
    try {
      grads = backward(loss, params);
      if (clip > 0) {
        const c = clipGradNorm(grads, clip);
        norm = c.totalNorm;
        dispose(grads);
        grads = c.grads;
      } else if (withNorm) {
        norm = keep(scope(() => sqrt(sum(stack(grads.map((g) => sum(square(g))))))));
      }
      const names = Object.keys(metrics);
      const values = await readTogether([loss, ...(norm ? [norm] : []), ...names.map((k) => metrics[k]!)]);
      const value = scalarOf(`${who}: the loss`, values[0]!, loss.shape);
      const result: TrainStepResult = { loss: value, metrics: {}, skipped: false };
      if (norm) result.gradNorm = values[1]![0]!;
      const first = norm ? 2 : 1;
      names.forEach((k, i) => (result.metrics[k] = scalarOf(`${who}: metric '${k}'`, values[first + i]!, metrics[k]!.shape)));
      if (!Number.isFinite(value)) {
        if (o.onNonFinite === 'skip') return { ...result, skipped: true };
        throw new Error(`${who}: the loss is ${value} at step ${o.optimizer.stepCount + 1}; parameters were not updated (check the learning rate, the inputs and the targets)`);
      }
      o.optimizer.step(grads);
      return result;
    } finally {
      dispose(grads);
      norm?.dispose();
      loss.dispose();
      dispose(Object.values(metrics));
    }
  };
}

