/** The engine's recording hint (`willRecord`), set by the tape: ops learn whether a backward can follow. */
import { dispose, memory, tensor, willRecord } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { noGrad, unwatch, watch } from '../src/index.js';

describe('willRecord', () => {
  it('is true only outside noGrad with a tracked input', () => {
    const before = memory().tensors;
    const [w, x] = [tensor([1, 2]), tensor([3, 4])];
    watch(w);
    expect(willRecord([x])).toBe(false);
    expect(willRecord([x, undefined, w])).toBe(true);
    expect(noGrad(() => willRecord([w]))).toBe(false);
    unwatch(w);
    expect(willRecord([w])).toBe(false);
    dispose([w, x]);
    expect(memory().tensors).toBe(before);
  });
});
