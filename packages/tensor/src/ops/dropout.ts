/** Inverted dropout as one op, so backends can run it as one pass (a fused kernel). */
import { ENGINE } from '../engine.js';
import { isFloat } from '../dtype.js';
import { hasKernel } from '../registry.js';
import type { Tensor } from '../tensor.js';
import { randomUniform } from './creation.js';
import { less, mul, where } from './elementwise.js';
import { assertTensor, composite } from './op-utils.js';
import { streamFor } from './random-stream.js';

/**
 * Inverted dropout (PyTorch's `F.dropout` in training mode): each element is zeroed with
 * probability `p` and the others are scaled by 1 / (1 − p). The mask comes from the counter-based
 * random stream (the global one, or `seed`), exactly as
 * `where(less(randomUniform(x.shape), 1 − p), mul(x, 1 / (1 − p)), 0)` would draw it, so the fused
 * kernel and that composite give the same bits. Backends with a `Dropout` kernel run one pass;
 * its gradient is the same kernel applied to dy (the mask is recomputed, never stored).
 *
 * @example
 * const h = dropout(x, 0.5);            // training: about half the entries are 0, the rest doubled
 * const same = dropout(x, 0.5, { seed: 7 }); // a fixed mask
 */
export function dropout(x: Tensor, p: number, opts: { seed?: number } = {}): Tensor {
  assertTensor('dropout', x, 'x');
  if (!(typeof p === 'number' && p >= 0 && p < 1)) throw new Error(`dropout: p must be a number in [0, 1), got ${p}`);
  if (!isFloat(x.dtype)) throw new Error(`dropout: x must be float32 or float64, got ${x.dtype}`);
  if (!hasKernel(ENGINE.getBackend().name, 'Dropout')) {
    return composite(() => where(less(randomUniform(x.shape, 0, 1, { dtype: x.dtype, seed: opts.seed }), 1 - p), mul(x, 1 / (1 - p)), 0));
  }
  const { seed, offset } = streamFor(x.size, opts.seed);
  return ENGINE.dispatch('Dropout', [x], { p, seed, offset })[0]!;
}
