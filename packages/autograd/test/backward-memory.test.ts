/**
 * The backward pass frees as it goes: a cotangent once its node ran, a node's saved tensors right
 * after its rule. On a chain of N ops the tensors alive during the walk stay bounded instead of
 * growing with N (before: every cotangent and saved tensor lived until the walk ended), and the
 * gradients are unchanged.
 */
import { addKernelListener, memory, mul, scope, sub, tanh, tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { backward, watch } from '../src/index.js';

/** Peak of memory().tensors seen at any kernel run during `backward`, above the count at its start. */
function backwardPeak(n: number): { peak: number; grad: number[] } {
  const x = tensor([0.3, -0.2, 0.5]);
  watch(x);
  const r = scope(() => {
    let h: Tensor = x;
    for (let i = 0; i < n; i++) h = sub(tanh(mul(h, 1.01)), mul(h, 0.01)); // each step saves tensors for its rules
    const loss = h;
    const start = memory().tensors;
    let peak = 0;
    const off = addKernelListener(() => {
      peak = Math.max(peak, memory().tensors - start);
    });
    try {
      const [g] = backward(loss, [x], tensor([1, 1, 1]));
      const grad = Array.from(g!.dataSync());
      g!.dispose();
      return { peak, grad };
    } finally {
      off();
    }
  });
  x.dispose();
  return r;
}

describe('backward memory', () => {
  it('keeps the tensors alive during the walk bounded on a long chain', () => {
    const before = memory().tensors;
    const short = backwardPeak(10), long = backwardPeak(200);
    // Saved tensors of nodes not yet visited are alive from the forward anyway; what must not grow is
    // what the walk itself adds: cotangents and the saved tensors of nodes already visited.
    expect(long.peak).toBeLessThanOrEqual(short.peak + 2);
    expect(long.peak).toBeLessThan(20);
    expect(long.grad.every(Number.isFinite)).toBe(true);
    expect(memory().tensors).toBe(before);
  });
});
