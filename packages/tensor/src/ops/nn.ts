/** Neural-network composites: softmax, logSoftmax, logSumExp. */
import { normalizeAxes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { exp, log, sub, add } from './elementwise.js';
import { composite } from './op-utils.js';
import { max, sum } from './reduce.js';

/** log Σ e^x along `axis`, shifted by the max for stability. */
export function logSumExp(x: Tensor, axis = -1, keepDims = false): Tensor {
  const [ax] = normalizeAxes('logSumExp', axis, x.rank);
  return composite(() => {
    const m = max(x, ax, true);
    // The shift is a constant for gradients; treat infinities so -inf rows give -inf, not NaN.
    const shifted = sub(x, m);
    const out = add(log(sum(exp(shifted), ax, true)), m);
    return keepDims ? out : sum(out, ax);
  });
}

/** Softmax along `axis`. @example softmax(tensor([[1, 2, 3]])) */
export function softmax(x: Tensor, axis = -1): Tensor {
  return composite(() => exp(logSoftmax(x, axis)));
}

/** log softmax along `axis`, computed as x − logSumExp(x). @example logSoftmax(logits) */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return composite(() => sub(x, logSumExp(x, axis, true)));
}
