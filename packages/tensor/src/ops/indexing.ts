/** Indexing ops: gather (embedding lookup), scatterAdd, oneHot. */
import { fmt, normalizeAxes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { arange } from './creation.js';
import { cast, equal } from './elementwise.js';
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
 * Adds `updates` into zeros of `shape` at `indices` along `axis` (repeated indices accumulate).
 *
 * @example
 * scatterAdd(grads, ids, [V, E]) // the gradient of gather
 */
export function scatterAdd(updates: Tensor, indices: Tensor, shape: readonly number[], axis = 0): Tensor {
  assertTensor('scatterAdd', updates);
  if (indices.dtype !== 'int32') throw new Error(`scatterAdd: indices must be int32, got ${indices.dtype}`);
  const [ax] = normalizeAxes('scatterAdd', axis, shape.length);
  const expect = [...shape.slice(0, ax), ...indices.shape, ...shape.slice(ax! + 1)];
  if (fmt(expect) !== fmt(updates.shape)) {
    throw new Error(`scatterAdd: updates ${fmt(updates.shape)} should be ${fmt(expect)} for indices ${fmt(indices.shape)} into ${fmt(shape)}`);
  }
  return run1('ScatterAdd', [updates, indices], { shape: [...shape], axis: ax! });
}

/** One-hot float encoding of int32 `indices` with `depth` classes. @example oneHot(labels, 10) */
export function oneHot(indices: Tensor, depth: number): Tensor {
  return composite(() =>
    cast(equal(reshape(indices, [...indices.shape, 1]), arange(0, depth, 1, 'int32')), 'float32'));
}
