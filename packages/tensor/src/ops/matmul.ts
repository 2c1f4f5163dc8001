/** Matrix products: 2-D and batched, with transpose flags. */
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './movement.js';
import { assertTensor, composite, run1 } from './op-utils.js';

export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * Matrix product of a [.., M, K] and b [.., K, N] (rank 2 or 3; a rank-3 batch of 1 broadcasts).
 *
 * @example
 * matMul(x, w, { transposeB: true }) // x·wᵀ, as in a Linear layer
 */
export function matMul(a: Tensor, b: Tensor, opts: MatMulOptions = {}): Tensor {
  assertTensor('matMul', a, 'a');
  assertTensor('matMul', b, 'b');
  const ta = opts.transposeA ?? false, tb = opts.transposeB ?? false;
  const desc = () => `(${fmt(a.shape)}${ta ? 'ᵀ' : ''} x ${fmt(b.shape)}${tb ? 'ᵀ' : ''})`;
  if (a.rank < 2 || a.rank > 3 || b.rank < 2 || b.rank > 3) {
    throw new Error(`matMul: operands must have rank 2 or 3 ${desc()}`);
  }
  if (a.dtype !== b.dtype) throw new Error(`matMul: dtypes ${a.dtype} and ${b.dtype} differ ${desc()}`);
  const ka = ta ? a.shape[a.rank - 2]! : a.shape[a.rank - 1]!;
  const kb = tb ? b.shape[b.rank - 1]! : b.shape[b.rank - 2]!;
  if (ka !== kb) throw new Error(`matMul: inner dimensions ${ka} and ${kb} differ ${desc()}`);
  const ba = a.rank === 3 ? a.shape[0]! : 1, bb = b.rank === 3 ? b.shape[0]! : 1;
  if (ba !== bb && ba !== 1 && bb !== 1) throw new Error(`matMul: batch sizes ${ba} and ${bb} differ ${desc()}`);
  return composite(() => {
    const a3 = a.rank === 3 ? a : reshape(a, [1, ...a.shape]);
    const b3 = b.rank === 3 ? b : reshape(b, [1, ...b.shape]);
    const out = run1('BatchMatMul', [a3, b3], { transposeA: ta, transposeB: tb });
    return a.rank === 2 && b.rank === 2 ? reshape(out, out.shape.slice(1)) : out;
  });
}
