/** Reductions: sum, max, min, argMax, mean, logSumExp. */
import { normalizeAxes, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, neg } from './elementwise.js';
import { assertTensor, composite, run1 } from './op-utils.js';

export type Axes = number | readonly number[];

/** Sum over `axes` (all when omitted). @example sum(tensor([[1, 2], [3, 4]]), 1) // [3, 7] */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  assertTensor('sum', x);
  return run1('Sum', [x], { axes: normalizeAxes('sum', axes, x.rank), keepDims });
}

/** Maximum over `axes`. @example max(tensor([1, 9, 3])) // 9 */
export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  assertTensor('max', x);
  if (x.size === 0) throw new Error('max: cannot reduce an empty tensor');
  return run1('Max', [x], { axes: normalizeAxes('max', axes, x.rank), keepDims });
}

/** Minimum over `axes`. */
export function min(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return composite(() => neg(max(neg(x), axes, keepDims)));
}

/** Index of the maximum along `axis` (int32). @example argMax(tensor([[1, 5], [7, 2]]), 1) // [1, 0] */
export function argMax(x: Tensor, axis = -1, keepDims = false): Tensor {
  assertTensor('argMax', x);
  const [a] = normalizeAxes('argMax', axis, x.rank);
  return run1('ArgMax', [x], { axis: a!, keepDims });
}

/** Mean over `axes`. @example mean(tensor([1, 2, 3])) // 2 */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const ax = normalizeAxes('mean', axes, x.rank);
  const count = sizeOf(ax.map((a) => x.shape[a]!));
  return composite(() => div(sum(x, ax, keepDims), count));
}
