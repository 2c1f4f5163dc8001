/** Indexing ops: gather (embedding lookup), scatterAdd, oneHot. */
import { ENGINE } from '../engine.js';
import { fmt, normalizeAxes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { arange } from './creation.js';
import { cast, equal, where } from './elementwise.js';
import { reshape } from './movement.js';
import { assertTensor, composite, run1 } from './op-utils.js';

/**
 * Picks slices of `x` along `axis` by int32 `indices` (any shape).
 *
 * @example
 * gather(embeddingMatrix, ids) // [V, E] with ids [B, T] → [B, T, E]
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  assertTensor('gather', x);
  assertTensor('gather', indices, 'indices');
  if (indices.dtype !== 'int32') throw new Error(`gather: indices must be int32, got ${indices.dtype} ${fmt(indices.shape)}`);
  const [ax] = normalizeAxes('gather', axis, x.rank);
  return run1('Gather', [x, indices], { axis: ax! });
}

/**
 * Rows of `weight` [V, E] picked by int32 `ids` (any shape) → [...ids.shape, E], as PyTorch's
 * `F.embedding(ids, weight, padding_idx)`: the values are `gather(weight, ids)`'s, and with
 * `paddingIdx` (in [0, V)) the positions holding that id send no gradient to its row, so the row's
 * gradient is exactly zero. One Gather, with no extra pass over the output to mask the padding.
 *
 * @example
 * const x = embeddingLookup(table, ids, 1); // table [25002, 100], ids [T, B] → [T, B, 100]; row 1 gets no gradient
 */
export function embeddingLookup(weight: Tensor, ids: Tensor, paddingIdx?: number): Tensor {
  assertTensor('embeddingLookup', weight, 'weight');
  assertTensor('embeddingLookup', ids, 'ids');
  if (weight.rank !== 2) throw new Error(`embeddingLookup: weight must be 2-D [V, E], got ${fmt(weight.shape)}`);
  if (ids.dtype !== 'int32') throw new Error(`embeddingLookup: ids must be int32, got ${ids.dtype} ${fmt(ids.shape)}`);
  if (paddingIdx === undefined) return run1('Gather', [weight, ids], { axis: 0 });
  if (!Number.isInteger(paddingIdx) || paddingIdx < 0 || paddingIdx >= weight.shape[0]!) {
    throw new Error(`embeddingLookup: paddingIdx ${paddingIdx} is outside [0, ${weight.shape[0]}) for weight ${fmt(weight.shape)}`);
  }
  return run1('Gather', [weight, ids], { axis: 0, paddingIdx });
}

/**
 * Adds `updates` into zeros of `shape` at `indices` along `axis` (repeated indices accumulate).
 * Positions whose index is `skipIndex` add nothing (an embedding's padding row): the CPU kernel
 * skips them; on other backends the updates at those positions are zeroed first (same result).
 *
 * @example
 * scatterAdd(grads, ids, [V, E]) // the gradient of gather
 */
export function scatterAdd(updates: Tensor, indices: Tensor, shape: readonly number[], axis = 0, skipIndex?: number): Tensor {
  assertTensor('scatterAdd', updates);
  if (indices.dtype !== 'int32') throw new Error(`scatterAdd: indices must be int32, got ${indices.dtype}`);
  const [ax] = normalizeAxes('scatterAdd', axis, shape.length);
  const expect = [...shape.slice(0, ax), ...indices.shape, ...shape.slice(ax! + 1)];
  if (fmt(expect) !== fmt(updates.shape)) {
    throw new Error(`scatterAdd: updates ${fmt(updates.shape)} should be ${fmt(expect)} for indices ${fmt(indices.shape)} into ${fmt(shape)}`);
  }
  if (skipIndex === undefined) return run1('ScatterAdd', [updates, indices], { shape: [...shape], axis: ax! });
  if (ENGINE.getBackend().name === 'cpu') return run1('ScatterAdd', [updates, indices], { shape: [...shape], axis: ax!, skipIndex });
  return composite(() => {
    const lead = new Array<number>(ax!).fill(1), trail = new Array<number>(shape.length - ax! - 1).fill(1);
    const skip = reshape(equal(indices, skipIndex), [...lead, ...indices.shape, ...trail]);
    return run1('ScatterAdd', [where(skip, 0, updates), indices], { shape: [...shape], axis: ax! });
  });
}

/** One-hot float encoding of int32 `indices` with `depth` classes. @example oneHot(labels, 10) */
export function oneHot(indices: Tensor, depth: number): Tensor {
  return composite(() =>
    cast(equal(reshape(indices, [...indices.shape, 1]), arange(0, depth, 1, 'int32')), 'float32'));
}
