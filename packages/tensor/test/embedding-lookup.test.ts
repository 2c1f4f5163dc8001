// embeddingLookup and ScatterAdd's skipIndex (issue 18): an embedding's padding row is skipped by the
// scatter instead of masked by a Where over the whole [T, B, E] gradient; the result must be the
// masked scatter's bits, with the WebAssembly kernels on (the result then lives in the kernels'
// shared memory) and off.
import { afterEach, describe, expect, it } from 'vitest';
import {
  embeddingLookup, equal, expandDims, gather, memory, scatterAdd, scope, setCpuSimd, tensor, where, type Tensor,
} from '../src/index.js';

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/** ids [T, B] in [0, V) with many repeats and many of `pad`. */
function ids(T: number, B: number, V: number, pad: number): Tensor {
  const out = new Int32Array(T * B);
  let s = 7;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = i % 5 === 0 ? pad : s % V;
  }
  return tensor(out, [T, B], 'int32');
}

/** The raw float32 bytes (a Buffer: comparing 2M floats element by element is slow in expect). */
const bits = (t: Tensor) => Buffer.from(Float32Array.from(t.dataSync() as Float32Array).buffer);

afterEach(() => { setCpuSimd('auto'); });

describe('scatterAdd skipIndex', () => {
  for (const mode of ['auto', 'off'] as const) {
    it(`gives the Where-masked scatter's bits (wasm ${mode}), at the embedding size and a small one`, () => {
      setCpuSimd(mode);
      const before = memory().tensors;
      for (const [T, B, V, E] of [[100, 32, 20000, 100], [7, 3, 11, 5]] as const) {
        scope(() => {
          const idx = ids(T, B, V, 1);
          const dy = tensor(rand(T * B * E, T + V), [T, B, E]);
          scatterAdd(dy, idx, [V, E]).dispose(); // leaves non-zero floats where the next result goes
          const skipped = scatterAdd(dy, idx, [V, E], 0, 1);
          const masked = scatterAdd(where(expandDims(equal(idx, 1), -1), 0, dy), idx, [V, E]);
          expect(bits(skipped).equals(bits(masked))).toBe(true);
          // and a plain float32 loop in the same order, from zeros (the kernel's memory is reused)
          const want = new Float32Array(V * E), u = dy.dataSync() as Float32Array, ix = idx.dataSync() as Int32Array;
          ix.forEach((k, j) => { if (k !== 1) for (let i = 0; i < E; i++) want[k * E + i]! += u[j * E + i]!; });
          expect(bits(skipped).equals(Buffer.from(want.buffer))).toBe(true);
          const row1 = (skipped.dataSync() as Float32Array).subarray(E, 2 * E);
          expect(Array.from(row1).every((x) => Object.is(x, 0))).toBe(true); // +0, never touched
        });
      }
      expect(memory().tensors).toBe(before);
    });
  }

  it('skips along an inner axis too, and rejects out-of-range indices naming the op', () => {
    const before = memory().tensors;
    scope(() => {
      const idx = tensor([2, 0, 2, 1], [4], 'int32');
      const u = tensor(rand(3 * 4, 3), [3, 4]);
      const masked = scatterAdd(where(equal(idx, 2), 0, u), idx, [3, 3], 1);
      expect(bits(scatterAdd(u, idx, [3, 3], 1, 2))).toEqual(bits(masked));
      expect(() => scatterAdd(u, tensor([0, 5, 1, 1], [4], 'int32'), [3, 3], 1, 2)).toThrow(/scatterAdd: index 5 at position 1/);
    });
    expect(memory().tensors).toBe(before);
  });
});

describe('embeddingLookup', () => {
  it("returns gather's values, with or without a padding index, and checks its arguments", () => {
    const before = memory().tensors;
    scope(() => {
      const w = tensor(rand(11 * 5, 9), [11, 5]);
      const idx = ids(4, 3, 11, 1);
      expect(bits(embeddingLookup(w, idx, 1))).toEqual(bits(gather(w, idx)));
      expect(bits(embeddingLookup(w, idx))).toEqual(bits(gather(w, idx)));
      expect(() => embeddingLookup(w, idx, 11)).toThrow(/embeddingLookup: paddingIdx 11 is outside \[0, 11\)/);
      expect(() => embeddingLookup(w, tensor([0.5], [1]))).toThrow(/ids must be int32/);
      expect(() => embeddingLookup(tensor([1, 2, 3]), idx)).toThrow(/weight must be 2-D/);
    });
    expect(memory().tensors).toBe(before);
  });
});
