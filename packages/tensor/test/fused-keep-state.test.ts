// keepState false (inference): the fused forward kernels may skip the backward state; y, hN (cN)
// must be unchanged. The CPU's WebAssembly kernels return it empty. Without autograd the recording
// hint says no backward will come, so the ops ask for keepState false by default.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addKernelListener, gruSequence, lstmSequence, memory, scope, setCpuSimd, tensor, type KernelEvent } from '../src/index.js';

/** Runs fn and returns the fused kernel's event (attrs and output shapes). */
function kernelEvent(fn: () => unknown): KernelEvent {
  let seen: KernelEvent | undefined;
  const stop = addKernelListener((e) => { if (e.name.endsWith('Sequence')) seen = e; });
  try { fn(); } finally { stop(); }
  if (!seen) throw new Error('no fused sequence kernel ran');
  return seen;
}

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
      let full = lstmSequence(...args, { keepState: true }), lean = full;
      const e = kernelEvent(() => { lean = lstmSequence(...args); });
      for (const k of ['y', 'hN', 'cN'] as const) expect(Array.from(lean[k].dataSync())).toEqual(Array.from(full[k].dataSync()));
      expect(e.attrs.keepState).toBe(false);
      expect(e.outputs.map((t) => t.shape)).toEqual([[T, B, H], [B, H], [B, H], [0], [0]]);
      expect(lean.gates).toBeUndefined();
      full = lstmSequence(...args, { gates: true });
      expect(full.gates!.shape).toEqual([T, B, 4 * H]);
      expect(full.cells!.shape).toEqual([T, B, H]);
    });
  });

  it('GRU: same y, hN; gates and hLin empty', () => {
    scope(() => {
      const args = [tensor(rand(T * B * 3 * H, 5), [T, B, 3 * H]), tensor(rand(3 * H * H, 6), [3 * H, H]),
        tensor(rand(3 * H, 7), [3 * H]), tensor(rand(B * H, 8), [B, H]), mask()] as const;
      const full = gruSequence(...args, { keepState: true });
      let lean = full;
      const e = kernelEvent(() => { lean = gruSequence(...args); });
      for (const k of ['y', 'hN'] as const) expect(Array.from(lean[k].dataSync())).toEqual(Array.from(full[k].dataSync()));
      expect(e.attrs.keepState).toBe(false);
      expect(e.outputs.map((t) => t.shape)).toEqual([[T, B, H], [B, H], [0], [0]]);
    });
  });
});
