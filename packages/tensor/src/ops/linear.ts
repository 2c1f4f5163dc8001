/** The affine map of a Linear layer and of a recurrent layer's input projection. */
import { ENGINE } from '../engine.js';
import { hasKernel } from '../registry.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add } from './elementwise.js';
import { matMul } from './matmul.js';
import { assertTensor } from './op-utils.js';

/**
 * y = x·wᵀ + b for x [N,K], w [O,K], b [O] (PyTorch's `F.linear`). Backends with a `Linear`
 * kernel (the CPU's writes the bias into the output and accumulates the product onto it, saving
 * a pass and a temporary) run it fused; others run matMul then add, with the same result up to
 * float rounding order.
 *
 * @example
 * const y = linear(x, weight, bias); // x [32,100], weight [512,100], bias [512] → y [32,512]
 */
export function linear(x: Tensor, w: Tensor, b?: Tensor | null): Tensor {
  assertTensor('linear', x, 'x');
  assertTensor('linear', w, 'w');
  if (b != null) assertTensor('linear', b, 'b');
  const desc = () => `x ${fmt(x.shape)}, w ${fmt(w.shape)}${b ? `, b ${fmt(b.shape)}` : ''}`;
  if (x.rank !== 2 || w.rank !== 2) throw new Error(`linear: x and w must be rank 2 (${desc()})`);
  if (x.shape[1] !== w.shape[1]) throw new Error(`linear: x has ${x.shape[1]} features, w expects ${w.shape[1]} (${desc()})`);
  if (b && (b.rank !== 1 || b.shape[0] !== w.shape[0])) throw new Error(`linear: b must be [${w.shape[0]}] (${desc()})`);
  if (x.dtype !== w.dtype || (b && b.dtype !== x.dtype)) throw new Error(`linear: dtypes differ (${x.dtype}, ${w.dtype}${b ? `, ${b.dtype}` : ''})`);
  if (!b) return matMul(x, w, { transposeB: true });
  if (!hasKernel(ENGINE.getBackend().name, 'Linear')) return ENGINE.scope(() => add(matMul(x, w, { transposeB: true }), b));
  return ENGINE.dispatch('Linear', [x, w, b], {})[0]!;
}
