// Missing cotangents of a multi-output node are made (as zeros) only when its rule reads them
// (issue 18): the fused LSTM's saved gates and cells ([T, B, 4H], [T, B, H]) have no cotangent and
// no rule reads one, so a backward through hN alone fills zeros for y and cN only.
import { describe, expect, it } from 'vitest';
import { addKernelListener, lstmSequence, memory, scope, sum, tensor, type Tensor } from '@recur/tensor';
import { valueAndGrad } from '../src/index.js';

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * 0.5;
  });
}

describe('missing cotangents', () => {
  it('are zero-filled only for the outputs a rule reads, and nothing leaks', () => {
    const [T, B, H] = [6, 3, 4];
    const xProj = tensor(rand(T * B * 4 * H, 1), [T, B, 4 * H]), wHh = tensor(rand(4 * H * H, 2), [4 * H, H]);
    const h0 = tensor(rand(B * H, 3), [B, H]), c0 = tensor(rand(B * H, 4), [B, H]);
    const before = memory().tensors;
    const fills: string[] = [];
    let inBackward = false;
    const stop = addKernelListener((e) => { if (inBackward && e.name === 'Fill') fills.push(e.outputs[0]!.shape.join('x')); });
    try {
      const f = (x: Tensor, w: Tensor) => {
        const { hN } = lstmSequence(x, w, h0, c0, null, { keepState: true });
        inBackward = true; // every kernel from here on is the loss and its backward
        return sum(hN);
      };
      const { value, grads } = valueAndGrad(f)(xProj, wHh);
      inBackward = false;
      expect(grads.map((g) => g!.shape)).toEqual([[T, B, 4 * H], [4 * H, H]]);
      // zeros for y [T, B, H] and cN [B, H]; none for gates [T, B, 4H] or cells [T, B, H] beyond y's
      expect(fills.filter((s) => s === `${T}x${B}x${4 * H}`)).toEqual([]);
      expect(fills.filter((s) => s === `${T}x${B}x${H}`)).toHaveLength(1);
      scope(() => { value.dispose(); grads.forEach((g) => g?.dispose()); });
    } finally {
      stop();
      inBackward = false;
    }
    expect(memory().tensors).toBe(before);
    for (const t of [xProj, wHh, h0, c0]) t.dispose();
  });
});
