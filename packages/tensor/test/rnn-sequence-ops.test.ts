// The sequence ops pick their own path: the fused kernel when the backend registers it (unless
// fused: false), the composite otherwise, with the same contract (mask null = every step valid,
// gates only on request) and results equal to float64 rounding.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addKernelListener, gruSequence, lstmSequence, memory, rnnSequence, scope, tensor, type Tensor,
} from '../src/index.js';

function rand(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}
const t64 = (n: number, shape: number[], seed: number) => tensor(rand(n, seed), shape, 'float64');
const close = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync(), y = b.dataSync();
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThan(1e-12);
};
/** Names of the sequence kernels dispatched while fn runs. */
function kernels(fn: () => void): string[] {
  const seen: string[] = [];
  const stop = addKernelListener((e) => { if (e.name.endsWith('Sequence')) seen.push(e.name); });
  try { fn(); } finally { stop(); }
  return seen;
}

describe('sequence ops choose fused or composite themselves', () => {
  let before = 0;
  beforeEach(() => { before = memory().tensors; });
  afterEach(() => expect(memory().tensors).toBe(before));
  const [T, B, H] = [4, 3, 2];
  const mask = () => tensor([1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0], [T, B], 'float64');

  for (const masked of [false, true]) {
    it(`LSTM (${masked ? 'masked' : 'mask null'}): fused and composite agree, gates on request`, () => scope(() => {
      const args = [t64(T * B * 4 * H, [T, B, 4 * H], 1), t64(4 * H * H, [4 * H, H], 2), t64(B * H, [B, H], 3), t64(B * H, [B, H], 4), masked ? mask() : null] as const;
      let f = lstmSequence(...args), c = f;
      expect(kernels(() => { f = lstmSequence(...args, { gates: true }); })).toEqual(['LSTMSequence']);
      expect(kernels(() => { c = lstmSequence(...args, { fused: false, gates: true }); })).toEqual([]);
      // Gates at padded steps are not specified (the fused kernel may skip them): compare them unmasked.
      for (const k of masked ? ['y', 'hN', 'cN'] as const : ['y', 'hN', 'cN', 'gates', 'cells'] as const) close(f[k]!, c[k]!);
      expect(lstmSequence(...args).gates).toBeUndefined();
    }));
  }

  it('GRU with and without bHh: fused and composite agree', () => scope(() => {
    for (const bHh of [t64(3 * H, [3 * H], 5), null]) {
      const args = [t64(T * B * 3 * H, [T, B, 3 * H], 6), t64(3 * H * H, [3 * H, H], 7), bHh, t64(B * H, [B, H], 8), mask()] as const;
      const f = gruSequence(...args, { gates: true }), c = gruSequence(...args, { fused: false, gates: true });
      for (const k of ['y', 'hN'] as const) close(f[k]!, c[k]!);
      expect(f.gates!.shape).toEqual(c.gates!.shape);
    }
  }));

  for (const act of ['tanh', 'relu'] as const) {
    it(`RNN ${act}: fused and composite agree`, () => scope(() => {
      const args = [t64(T * B * H, [T, B, H], 9), t64(H * H, [H, H], 10), t64(B * H, [B, H], 11), mask()] as const;
      const f = rnnSequence(...args, act), c = rnnSequence(...args, act, { fused: false });
      close(f.y, c.y);
      close(f.hN, c.hN);
    }));
  }

  it('errors name the op and the shapes', () => scope(() => {
    expect(() => lstmSequence(t64(12, [1, 3, 4], 1), t64(8, [4, 2], 2), t64(6, [3, 2], 3), t64(6, [3, 2], 4), null))
      .toThrow(/lstmSequence: shapes do not fit: xProj \[1,3,4\]/);
  }));
});
