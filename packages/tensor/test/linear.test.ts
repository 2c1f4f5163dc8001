// linear(x, w, b) = x·wᵀ + b: the CPU's fused kernel (bias as the gemm's starting C) against
// matMul + add, on the WebAssembly path (float32), the JS path (float64, SIMD off) and without b.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { add, linear, matMul, memory, scope, setCpuSimd, tensor, type DType } from '../src/index.js';
import { getKernel } from '../src/registry.js';
import { runKernel } from '../src/index.js';

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
  for (const [m, k, n] of [[1, 1, 1], [7, 9, 13], [12, 100, 512], [13, 257, 9], [64, 513, 40]] as const) {
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

  it('repeated calls reuse the packed weight (packed-cache.ts) and stay exact, weights alternating', () => {
    scope(() => {
      const x = tensor(rand(7 * 33, 4), [7, 33]), b = tensor(rand(17, 5), [17]);
      const ws = [tensor(rand(17 * 33, 6), [17, 33]), tensor(rand(17 * 33, 7), [17, 33])];
      const first = ws.map((w) => Array.from(linear(x, w, b).dataSync()));
      expect(first[0]).not.toEqual(first[1]);
      for (let i = 0; i < 6; i++) expect(Array.from(linear(x, ws[i % 2]!, b).dataSync())).toEqual(first[i % 2]);
    });
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

  it('the fused LSTM reuses its packed W_hh across calls and stays exact, weights alternating', () => {
    scope(() => {
      const [T, B, H] = [5, 3, 6];
      const xp = tensor(rand(T * B * 4 * H, 8), [T, B, 4 * H]), h0 = tensor(rand(B * H, 9), [B, H]), c0 = tensor(rand(B * H, 10), [B, H]);
      const mask = tensor(new Array(T * B).fill(1), [T, B]);
      const ws = [tensor(rand(4 * H * H, 11), [4 * H, H]), tensor(rand(4 * H * H, 12), [4 * H, H])];
      const y = (w: (typeof ws)[0]) => Array.from(runKernel('LSTMSequence', [xp, w, h0, c0, mask])[0]!.dataSync());
      const first = ws.map(y);
      expect(first[0]).not.toEqual(first[1]);
      for (let i = 0; i < 6; i++) expect(y(ws[i % 2]!)).toEqual(first[i % 2]);
    });
  });
});
