/** The evaluation loop: eval mode, no gradients, one scope and one read-back per batch. */
import { noGrad } from '@recur/autograd';
import { keep, scope, type Tensor, type TypedArray } from '@recur/tensor';
import type { Module } from '../module.js';
import { readTogether } from './read-back.js';

export interface EvaluateOptions<B, K extends string> {
  /** Switched to eval mode for the loop and back to its previous mode afterwards. */
  model?: Module;
  /** The batches (an array, a generator or an async generator). */
  batches: Iterable<B> | AsyncIterable<B>;
  /**
   * The tensors to read back for a batch, by name, computed under `noGrad` in a scope. Return
   * per-example values (shape `(B)`) to get exact means over the data set.
   */
  outputs: (batch: B) => Record<K, Tensor>;
  /** Sees each batch's values (flattened, float32 or float64) right after they are read. */
  onBatch?: (values: Record<K, TypedArray>, batch: B, index: number) => void | Promise<void>;
}

export interface EvaluateResult<K extends string> {
  /** Batches evaluated. */
  batches: number;
  /** Sum of every element of each output over all batches. */
  sum: Record<K, number>;
  /** Number of elements of each output over all batches. */
  count: Record<K, number>;
  /** `sum / count` of each output (NaN with no elements). */
  mean: Record<K, number>;
}

/**
 * Runs `outputs` on every batch in eval mode without recording gradients, reads each batch's
 * outputs back in one transfer and totals them. No tensor outlives a batch.
 *
 * @example
 * const r = await evaluate({
 *   model, batches: validBatches,
 *   outputs: ({ x, y }) => {
 *     const logits = model.forward(x);
 *     return { loss: bceWithLogits(logits, y, { reduction: 'none' }), correct: equal(greater(logits, 0), y) };
 *   },
 * });
 * console.log(r.mean.loss, r.mean.correct); // mean loss and accuracy over all examples
 */
export async function evaluate<B, K extends string>(o: EvaluateOptions<B, K>): Promise<EvaluateResult<K>> {
  const wasTraining = o.model?.training;
  o.model?.eval();
  const sum = {} as Record<K, number>;
  const count = {} as Record<K, number>;
  let batches = 0;
  try {
    for await (const batch of o.batches) {
      const out = noGrad(() => scope(() => {
        const r = o.outputs(batch);
        for (const t of Object.values<Tensor>(r)) keep(t);
        return r;
      }));
      const names = Object.keys(out) as K[];
      let values: TypedArray[];
      try {
        values = await readTogether(names.map((k) => out[k]));
      } finally {
        for (const k of names) out[k].dispose();
      }
      const record = {} as Record<K, TypedArray>;
      names.forEach((k, i) => {
        const v = values[i]!;
        record[k] = v;
        let s = 0;
        for (let j = 0; j < v.length; j++) s += v[j]!;
        sum[k] = (sum[k] ?? 0) + s;
        count[k] = (count[k] ?? 0) + v.length;
      });
      await o.onBatch?.(record, batch, batches);
      batches++;
    }
  } finally {
    if (wasTraining !== undefined) o.model!.train(wasTraining);
  }
  const mean = {} as Record<K, number>;
  for (const k of Object.keys(sum) as K[]) mean[k] = count[k] > 0 ? sum[k] / count[k] : NaN;
  return { batches, sum, count, mean };
}
