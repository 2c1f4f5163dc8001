// The Gather rule with an embedding lookup's padding index (issue 18): the padding row gets no
// gradient from the skipped scatter, and every bit equals the previous formulation (a Where that
// swaps the padding positions for an untracked copy of the row, then a plain scatter of the masked
// cotangent), with the WebAssembly kernels on and off.
import { afterEach, describe, expect, it } from 'vitest';
import {
  embeddingLookup, equal, expandDims, gather, memory, mul, setCpuSimd, slice, sum, tensor, where, type Tensor,
} from '@recur/tensor';
import { noGrad, valueAndGrad } from '../src/index.js';

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

const bytes = (t: Tensor) => Buffer.from(Float32Array.from(t.dataSync() as Float32Array).buffer);

afterEach(() => { setCpuSimd('auto'); });

describe('Gather gradient with paddingIdx', () => {
  for (const mode of ['auto', 'off'] as const) {
    it(`gives the Where-masked formulation's bits, padding row +0 (wasm ${mode})`, () => {
      setCpuSimd(mode);
      const [V, E, T, B, pad] = [2000, 16, 40, 8, 1];
      const idsArr = new Int32Array(T * B);
      let s = 3;
      for (let i = 0; i < idsArr.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; idsArr[i] = i % 4 === 0 ? pad : s % 300; }
      const w = tensor(rand(V * E, 1), [V, E]), ids = tensor(idsArr, [T, B], 'int32'), c = tensor(rand(T * B * E, 2), [T, B, E]);
      const before = memory().tensors;
      const loss = (x: Tensor) => sum(mul(x, c));
      const viaWhere = valueAndGrad((wt: Tensor) => {
        const padRow = noGrad(() => slice(wt, [pad, 0], [1, E]));
        return loss(where(expandDims(equal(ids, pad), -1), padRow, gather(wt, ids)));
      })(w);
      const viaSkip = valueAndGrad((wt: Tensor) => loss(embeddingLookup(wt, ids, pad)))(w);
      expect(bytes(viaSkip.value).equals(bytes(viaWhere.value))).toBe(true);
      expect(bytes(viaSkip.grads[0]!).equals(bytes(viaWhere.grads[0]!))).toBe(true);
      const g = viaSkip.grads[0]!.dataSync() as Float32Array;
      expect(Array.from(g.subarray(pad * E, (pad + 1) * E)).every((x) => Object.is(x, 0))).toBe(true);
      expect(g.some((x) => x !== 0)).toBe(true);
      for (const r of [viaWhere, viaSkip]) { r.value.dispose(); r.grads.forEach((t) => t?.dispose()); }
      expect(memory().tensors).toBe(before);
      for (const t of [w, ids, c]) t.dispose();
    });
  }
});
