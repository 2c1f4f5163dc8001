/**
 * Products too large for the kernel memory in one piece (e.g. the input projection of a whole
 * batch of long reviews and its gradients: 160,000 rows × 1,024): C = op(A)·op(B) computed in
 * blocks of rows of C and of the contraction, each block's operands copied in, the result copied
 * out to JS memory. Contraction blocks are whole 256-row gemm blocks accumulated in order, so
 * results equal the one-piece product (chunks.ts). Copied operands have subnormals flushed and are
 * range-checked as `putChecked` does; a value beyond `limit` returns null (the caller falls back to
 * its reference path).
 */
import type { TypedArray } from '../../dtype.js';
import { GEMM_KC, jsOutput, kernelChunkBytes } from './chunks.js';
import type { WasmRuntime } from './runtime.js';
import { parallelGemm } from './threads.js';

export interface ProductSpec {
  m: number;
  n: number;
  k: number;
  /** A stored [m, k], or [k, m] when transA. */
  a: TypedArray;
  transA: boolean;
  /** B stored [k, n], or [n, k] when transB. */
  b: TypedArray;
  transB: boolean;
  /** Initial rows of C (a bias [n] added to every row), or none. */
  bias?: TypedArray;
}

/** Bytes of kernel memory a one-piece product of these sizes needs (operands, packed B, C). */
export function productBytes(m: number, n: number, k: number): number {
  return 4 * (m * k + 2 * k * n + m * n);
}

/** Copies rows [r0, r1) × columns [c0, c1) of a row-major [·, cols] array into `p`, densely. */
function copyBlock(rt: WasmRuntime, p: number, src: TypedArray, cols: number, r0: number, r1: number, c0: number, c1: number): void {
  const f = rt.f32(), w = c1 - c0;
  let o = p >> 2;
  if (c0 === 0 && c1 === cols) {
    f.set(src.subarray(r0 * cols, r1 * cols), o);
    return;
  }
  for (let r = r0; r < r1; r++, o += w) f.set(src.subarray(r * cols + c0, r * cols + c1), o);
}

/** Block sizes: the contraction in whole gemm blocks, rows of C in fours, all within the budget. */
function blocks(m: number, n: number, k: number): { mc: number; kc: number } {
  const budget = kernelChunkBytes() / 4; // floats
  let kc = k;
  if (3 * k * n > budget / 2) kc = Math.max(GEMM_KC, Math.floor(budget / 2 / (3 * n) / GEMM_KC) * GEMM_KC);
  kc = Math.min(kc, k);
  const mc = Math.max(4, Math.floor((budget - 3 * kc * n) / (kc + n) / 4) * 4);
  return { mc: Math.min(mc, m), kc };
}

/**
 * C [m, n] = op(A)·op(B) (+ bias rows) in blocks, into a new JS array; null when an operand holds a
 * value beyond `limit` (or NaN).
 *
 * @example
 * const c = chunkedProduct(rt, { m: 160_000, n: 1024, k: 512, a: x, transA: false, b: w, transB: true }, 1e15);
 */
export function chunkedProduct(rt: WasmRuntime, s: ProductSpec, limit: number): Float32Array | null {
  const { m, n, k } = s;
  const { mc, kc } = blocks(m, n, k);
  const out = jsOutput(m * n);
  const mark = rt.mark();
  try {
    const aBlock = rt.alloc(mc * kc), bBlock = rt.alloc(kc * n), pb = rt.alloc(rt.x.packedSize(kc, n)), c = rt.alloc(mc * n);
    const ok = (p: number, floats: number) => rt.x.flushMaxAbs(p, floats) <= limit;
    // op(B)[k0:k1, :] packed into pb.
    const packB = (k0: number, k1: number): boolean => {
      if (s.transB) copyBlock(rt, bBlock, s.b, k, 0, n, k0, k1); // stored [n, k]: a column block
      else copyBlock(rt, bBlock, s.b, n, k0, k1, 0, n);
      if (!ok(bBlock, (k1 - k0) * n)) return false;
      rt.x.packB(bBlock, s.transB ? k1 - k0 : n, s.transB ? 1 : 0, k1 - k0, n, pb);
      return true;
    };
    const onePanel = kc >= k;
    if (onePanel && !packB(0, k)) return null;
    for (let m0 = 0; m0 < m; m0 += mc) {
      const m1 = Math.min(m, m0 + mc), rows = m1 - m0;
      if (s.bias) {
        const f = rt.f32(), o = c >> 2;
        f.set(s.bias, o);
        for (let r = 1; r < rows; r *= 2) f.copyWithin(o + r * n, o, o + Math.min(r, rows - r) * n);
      }
      for (let k0 = 0; k0 < k; k0 += kc) {
        const k1 = Math.min(k, k0 + kc);
        if (!onePanel && !packB(k0, k1)) return null;
        if (s.transA) copyBlock(rt, aBlock, s.a, m, k0, k1, m0, m1); // stored [k, m]
        else copyBlock(rt, aBlock, s.a, k, m0, m1, k0, k1);
        if (!ok(aBlock, rows * (k1 - k0))) return null;
        parallelGemm(rt, rows, n, k1 - k0, aBlock, s.transA ? rows : k1 - k0, pb, c, n, !!s.bias || k0 > 0, s.transA);
      }
      out.set(rt.f32().subarray(c >> 2, (c >> 2) + rows * n), m0 * n);
    }
    return out;
  } finally {
    rt.release(mark);
  }
}
