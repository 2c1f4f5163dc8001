/** Fluent methods (sugar over the ops), negative dims and indices, and `using` disposal. */
import { describe, expect, it } from 'vitest';
import {
  add, arange, matMul, memory, relu, scope, select, slice, softmax, sum, tensor, transpose, unbind, type Tensor,
} from '../src/index.js';

const arr = (t: Tensor) => t.arraySync();

describe('tensor methods', () => {
  it('give the same values as the op functions', () => scope(() => {
    const x = tensor([[1, -2, 3], [-4, 5, -6]]); // (2, 3)
    const w = tensor([[1, 0], [0, 1], [1, 1]]); // (3, 2)
    expect(arr(x.add(1).mul(2).sub(x).div(2))).toEqual([[1.5, 0, 2.5], [-1, 3.5, -2]]);
    expect(arr(x.matMul(w))).toEqual(arr(matMul(x, w)));
    expect(arr(x.relu())).toEqual(arr(relu(x)));
    expect(arr(x.abs().sqrt().square())).toEqual([[1, 2, 3], [4, 5, 6]].map((r) => r.map((v) => expect.closeTo(v, 5))));
    expect(arr(x.sum(-1))).toEqual([2, -5]);
    expect(arr(x.sum(0, true))).toEqual([[-3, 3, -3]]);
    expect(arr(x.sum())).toBe(-3);
    expect(arr(x.max(-1))).toEqual([3, 5]);
    expect(arr(x.min([0, 1]))).toBe(-6);
    expect(arr(x.mean(1))).toEqual([expect.closeTo(2 / 3, 6), expect.closeTo(-5 / 3, 6)]);
    expect(arr(x.argMax(-1))).toEqual([2, 1]);
    expect(arr(x.softmax(-1))).toEqual(arr(softmax(x, 1)));
    expect(arr(x.greater(0).cast('float32'))).toEqual([[1, 0, 1], [0, 1, 0]]);
    expect(arr(x.clip(-1, 1))).toEqual([[1, -1, 1], [-1, 1, -1]]);
  }));

  it('reshape, transpose, permute, squeeze, unsqueeze, flatten take PyTorch arguments and negative dims', () => scope(() => {
    const x = arange(0, 24).reshape(2, 3, 4);
    expect(x.reshape([6, -1]).shape).toEqual([6, 4]);
    expect(x.transpose(0, -1).shape).toEqual([4, 3, 2]);
    expect(arr(x.transpose(-1, -2))).toEqual(arr(transpose(x, [0, 2, 1])));
    expect(x.transpose().shape).toEqual([4, 3, 2]);
    expect(arr(x.permute(2, 0, 1))).toEqual(arr(transpose(x, [-1, 0, 1])));
    expect(x.unsqueeze(-1).shape).toEqual([2, 3, 4, 1]);
    expect(x.unsqueeze(0).squeeze(0).shape).toEqual([2, 3, 4]);
    expect(x.unsqueeze(1).squeeze().shape).toEqual([2, 3, 4]);
    expect(x.flatten().shape).toEqual([24]);
    expect(x.flatten(1).shape).toEqual([2, 12]);
    expect(x.flatten(0, -2).shape).toEqual([6, 4]);
    expect(() => x.squeeze(1)).toThrow('squeeze: axis 1 of [2,3,4] is not 1');
    expect(() => x.transpose(0, 3)).toThrow('transpose: dims 0 and 3 are out of range for rank 3');
    expect(() => x.transpose(0)).toThrow('transpose: give two dims to swap, or none to reverse all');
  }));

  it('select, unbind, narrow, chunk and slice take negative dims and indices', () => scope(() => {
    const x = arange(0, 12).reshape(3, 4); // [[0..3], [4..7], [8..11]]
    expect(arr(x.select(0, -1))).toEqual([8, 9, 10, 11]);
    expect(arr(x.select(-1, 0))).toEqual([0, 4, 8]);
    expect(arr(select(x, 1, -2))).toEqual([2, 6, 10]);
    expect(unbind(x, -1).map(arr)).toEqual([[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]);
    expect(x.unbind().map(arr)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
    expect(arr(x.narrow(1, -3, 2))).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(arr(slice(x, [-1, 0]))).toEqual([[8, 9, 10, 11]]);
    expect(x.chunk(2, -1).map((t) => t.shape)).toEqual([[3, 2], [3, 2]]);
    expect(x.split([1, 2]).map((t) => t.shape)).toEqual([[1, 4], [2, 4]]);
    expect(() => x.select(0, 3)).toThrow('select: index 3 is out of range for axis 0 (size 3) of [3,4]');
    expect(() => x.select(0, -4)).toThrow('select: index -4 is out of range');
    expect(() => x.select(2, 0)).toThrow('select: axis 2 is out of range for rank 2');
  }));

  it('select and unbind leave nothing behind but their results', () => {
    const x = scope(() => arange(0, 6).reshape(2, 3));
    const before = memory().tensors;
    const parts = x.unbind(1);
    expect(memory().tensors).toBe(before + 3);
    for (const p of parts) p.dispose();
    x.dispose();
  });

  it('`using` disposes at the end of the block', () => {
    const x = tensor([1, 2]);
    const before = memory().tensors;
    let seen: Tensor | undefined;
    {
      using t = x.add(1);
      seen = t;
      expect(t.disposed).toBe(false);
      expect(memory().tensors).toBe(before + 1);
    }
    expect(seen.disposed).toBe(true);
    expect(memory().tensors).toBe(before);
    x.dispose();
  });
});
