// keepState false (inference): the fused forward kernels may skip the backward state; y, hN (cN)
// must be unchanged. The CPU's WebAssembly kernels return it empty.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gruSequence, lstmSequence, memory, scope, setCpuSimd, tensor } from '../src/index.js';

function rand(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

describe('fused forward with keepState false', () => {
  let before = 0;
  beforeEach(() => { before = memory().tensors; setCpuSimd('auto'); });
  afterEach(() => expect(memory().tensors).toBe(before));

  const [T, B, H] = [4, 3, 5];
  const mask = () => tensor([1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0], [T, B]);

  it('LSTM: same y, hN, cN; gates and cells empty', () => {
    scope(() => {
      const args = [tensor(rand(T * B * 4 * H, 1), [T, B, 4 * H]), tensor(rand(4 * H * H, 2), [4 * H, H]),
        tensor(rand(B * H, 3), [B, H]), tensor(rand(B * H, 4), [B, H]), mask()] as const;
      const full = lstmSequence(...args), lean = lstmSequence(...args, { keepState: false });
      for (const k of ['y', 'hN', 'cN'] as const) expect(Array.from(lean[k].dataSync())).toEqual(Array.from(full[k].dataSync()));
      expect(full.gates.shape).toEqual([T, B, 4 * H]);
      expect(lean.gates.shape).toEqual([0]);
      expect(lean.cells.shape).toEqual([0]);
    });
  });

  it('GRU: same y, hN; gates and hLin empty', () => {
    scope(() => {
      const args = [tensor(rand(T * B * 3 * H, 5), [T, B, 3 * H]), tensor(rand(3 * H * H, 6), [3 * H, H]),
        tensor(rand(3 * H, 7), [3 * H]), tensor(rand(B * H, 8), [B, H]), mask()] as const;
      const full = gruSequence(...args), lean = gruSequence(...args, { keepState: false });
      for (const k of ['y', 'hN'] as const) expect(Array.from(lean[k].dataSync())).toEqual(Array.from(full[k].dataSync()));
      expect(lean.gates.shape).toEqual([0]);
      expect(lean.hLin.shape).toEqual([0]);
    });
  });
});
