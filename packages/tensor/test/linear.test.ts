// linear(x, w, b) = x·wᵀ + b: the CPU's fused kernel (bias as the gemm's starting C) against
// matMul + add, on the WebAssembly path (float32), the JS path (float64, SIMD off) and without b.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { add, linear, matMul, memory, scope, setCpuSimd, tensor, type DType } from '../src/index.js';
import { getKernel } from '../src/registry.js';

function rand(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

function both(m: number, k: number, n: number, dtype: DType): [Float64Array, Float64Array] {
  return scope(() => {
    const x = tensor(rand(m * k, 1), [m, k], dtype), w = tensor(rand(n * k, 2), [n, k], dtype), b = tensor(rand(n, 3), [n], dtype);
    const fused = linear(x, w, b), ref = add(matMul(x, w, { transposeB: true }), b);
    expect(fused.shape).toEqual([m, n]);
    return [Float64Array.from(fused.dataSync()), Float64Array.from(ref.dataSync())];
  });
}

describe('linear', () => {
  let before = 0;
  beforeEach(() => { before = memory().tensors; });
  afterEach(() => { setCpuSimd('auto'); expect(memory().tensors).toBe(before); });

  it('runs the fused kernel on the CPU', () => {
    expect(getKernel('cpu', 'Linear')).toBeDefined();
  });

  // Tile edges: m around the 6- and 4-row blocks, n around 8 columns, k past one 256 block.
  for (const [m, k, n] of [[1, 1, 1], [7, 9, 13], [12, 100, 512], [13, 257, 9], [64, 513, 40]]) {
    it(`float32 [${m},${k}]·[${n},${k}]ᵀ + b matches matMul + add (WebAssembly)`, () => {
      const [f, r] = both(m, k, n, 'float32');
      // The bias enters before the k-block partial sums instead of after them: rounding order only.
      for (let i = 0; i < f.length; i++) expect(Math.abs(f[i]! - r[i]!)).toBeLessThanOrEqual(2e-6 * Math.sqrt(k));
    });
  }

  it('float64 and SIMD-off float32 equal matMul + add exactly', () => {
    const [f, r] = both(13, 31, 9, 'float64');
    expect(f).toEqual(r);
    setCpuSimd('off');
    const [f2, r2] = both(13, 31, 9, 'float32');
    expect(f2).toEqual(r2);
  });

  it('without a bias is matMul with transposeB', () => {
    scope(() => {
      const x = tensor(rand(6, 4), [2, 3]), w = tensor(rand(12, 5), [4, 3]);
      expect(Array.from(linear(x, w).dataSync())).toEqual(Array.from(matMul(x, w, { transposeB: true }).dataSync()));
    });
  });

  it('names the problem in its errors', () => {
    scope(() => {
      const x = tensor(rand(6, 4), [2, 3]), w = tensor(rand(12, 5), [4, 3]);
      expect(() => linear(x, tensor(rand(8, 1), [4, 2]))).toThrow('linear: x has 3 features, w expects 2 (x [2,3], w [4,2])');
      expect(() => linear(x, w, tensor([1, 2, 3]))).toThrow('linear: b must be [4] (x [2,3], w [4,3], b [3])');
      expect(() => linear(tensor(rand(6, 4), [6]), w)).toThrow('linear: x and w must be rank 2');
      expect(() => linear(x, w, tensor([1, 2, 3, 4], [4], 'float64'))).toThrow('linear: dtypes differ (float32, float32, float64)');
    });
  });
});
