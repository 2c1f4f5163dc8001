/**
 * The WebAssembly gemm's one-row products (the batch-1 recurrent step) sum in a fixed order: per
 * 256-row block of k, even k and odd k in two chains added at the end, blocks accumulated onto C.
 * Results are promised bit-identical across releases and thread counts, so any rework of that
 * kernel (now three 4-column vectors at a time) must keep the order; its bits are checked against a
 * float32 emulation of it (unfused multiply-add variant, where the emulation is exact), on one
 * thread and split by columns across two.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { matMul, memory, setCpuSimd, setNumThreads, tensor } from '../src/index.js';
import { splitCount } from '../src/cpu/wasm/threads.js';

function rand(seed: number, n: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** Row vector a [k] times b [k, n], summed in the gemm's one-row order with float32 rounding. */
function emulate(a: Float32Array, b: Float32Array, k: number, n: number): Float32Array {
  const f = Math.fround, out = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let kb = 0; kb < k; kb += 256) {
      let even = 0, odd = 0;
      for (let p = kb; p < Math.min(k, kb + 256); p++) {
        const prod = f(a[p]! * b[p * n + j]!);
        if ((p - kb) % 2 === 0) even = f(even + prod);
        else odd = f(odd + prod);
      }
      const block = f(even + odd);
      acc = kb === 0 ? block : f(block + acc);
    }
    out[j] = acc;
  }
  return out;
}

afterEach(() => {
  setNumThreads(1);
  setCpuSimd('auto');
});

function expectOrder(k: number, n: number): void {
  const before = memory().tensors;
  const a = rand(1, k), b = rand(2, k * n);
  const ta = tensor(a, [1, k]), tb = tensor(b, [k, n]);
  const c = matMul(ta, tb);
  const got = new Uint32Array(Float32Array.from(c.dataSync()).buffer);
  expect(got).toEqual(new Uint32Array(emulate(a, b, k, n).buffer));
  ta.dispose(); tb.dispose(); c.dispose();
  expect(memory().tensors).toBe(before);
}

describe('gemm one-row products', () => {
  // n = 44: five whole panels and a partial one; k = 301: two blocks, the second with an odd tail.
  for (const [k, n] of [[301, 44], [128, 40], [7, 16], [300, 8]] as const) {
    it(`[1, ${k}] × [${k}, ${n}]: the bits of the fixed summation order`, () => {
      expect(setCpuSimd('simd')).toBe('simd');
      expectOrder(k, n);
    });
  }

  it('split by columns across two threads (thread ranges start mid-row): the same order', () => {
    setCpuSimd('simdShared');
    setNumThreads(2);
    const splits = splitCount();
    expectOrder(301, 1003); // 1·1003·301 multiply-adds: past the split threshold
    expect(splitCount()).toBeGreaterThan(splits);
  });
});
