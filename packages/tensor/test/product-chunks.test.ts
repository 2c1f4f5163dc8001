/**
 * Products and dropout too large for the kernel-memory budget run in blocks with the one-piece
 * results bit for bit (a small budget forces the blocks on small inputs).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dropout, linear, matMul, memory, scope, setNumThreads, tensor, type Tensor } from '../src/index.js';
import { setKernelChunkBytes } from '../src/backend-entry.js';

function rand(seed: number, n: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

const bitsOf = (t: Tensor) => new Uint32Array(Float32Array.from(t.dataSync()).buffer);

/** Every product shape the layers use: plain, Aᵀ·B (weight gradients, k long), A·Bᵀ, batched. */
function products(): Uint32Array[] {
  return scope(() => {
    const a = tensor(rand(1, 700 * 40), [700, 40]), b = tensor(rand(2, 40 * 24), [40, 24]);
    const g = tensor(rand(3, 700 * 24), [700, 24]), w = tensor(rand(4, 24 * 40), [24, 40]), bias = tensor(rand(5, 24), [24]);
    const batched = [tensor(rand(6, 3 * 90 * 20), [3, 90, 20]), tensor(rand(7, 20 * 30), [20, 30])] as const;
    return [
      matMul(a, b), // [700, 24]
      matMul(g, a, { transposeA: true }), // gᵀ·a [24, 40]: the contraction runs over 700 rows
      matMul(a, w, { transposeB: true }), // a·wᵀ [700, 24]
      linear(a, w, bias), // a·wᵀ + bias
      matMul(batched[0], batched[1]),
      dropout(tensor(rand(8, 50_000), [50_000]), 0.3, { seed: 11 }),
    ].map(bitsOf);
  });
}

afterEach(() => {
  setKernelChunkBytes(null);
  setNumThreads(1);
});

describe('products and dropout in blocks', () => {
  for (const threads of [1, 2]) {
    it(`match the one-piece kernels bit for bit (${threads} thread(s))`, () => {
      setNumThreads(threads);
      const before = memory().tensors;
      const whole = products();
      setKernelChunkBytes(16 * 1024); // 4,096 floats: several row and contraction blocks each
      const blocked = products();
      blocked.forEach((c, i) => expect(c, `product ${i}`).toEqual(whole[i]));
      expect(memory().tensors).toBe(before);
    });
  }
});
