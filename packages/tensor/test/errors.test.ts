/** Error parity: shape and dtype errors name the op, the shapes and the rule (exact messages). */
import { describe, expect, it } from 'vitest';
import {
  add, arange, clip, concat, dispose, exp, full, gather, matMul, max, pad, reshape, scatterAdd, setBackend, slice,
  split, squeeze, sum, tensor, transpose, where, zeros, type Tensor,
} from '../src/index.js';

/** Creates the operands, expects `fn` to throw exactly `message`, then frees the operands. */
function expectError(make: () => Tensor[], fn: (...ts: Tensor[]) => unknown, message: string): void {
  const ts = make();
  try {
    expect(() => fn(...ts)).toThrow(message);
    let msg = '';
    try {
      fn(...ts);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toBe(message);
  } finally {
    dispose(ts);
  }
}

describe('matMul errors', () => {
  it('inner dimensions', () => {
    expectError(() => [zeros([2, 3]), zeros([4, 5])], (a, b) => matMul(a!, b!), 'matMul: inner dimensions 3 and 4 differ ([2,3] x [4,5])');
    expectError(() => [zeros([2, 3]), zeros([4, 5])], (a, b) => matMul(a!, b!, { transposeA: true }),
      'matMul: inner dimensions 2 and 4 differ ([2,3]ᵀ x [4,5])');
    expectError(() => [zeros([2, 3]), zeros([4, 5])], (a, b) => matMul(a!, b!, { transposeB: true }),
      'matMul: inner dimensions 3 and 5 differ ([2,3] x [4,5]ᵀ)');
  });
  it('rank, dtype and batch', () => {
    expectError(() => [zeros([3]), zeros([3, 2])], (a, b) => matMul(a!, b!), 'matMul: operands must have rank 2 or 3 ([3] x [3,2])');
    expectError(() => [zeros([2, 2]), zeros([2, 2], 'int32')], (a, b) => matMul(a!, b!), 'matMul: dtypes float32 and int32 differ ([2,2] x [2,2])');
    expectError(() => [zeros([2, 2, 2]), zeros([3, 2, 2])], (a, b) => matMul(a!, b!), 'matMul: batch sizes 2 and 3 differ ([2,2,2] x [3,2,2])');
  });
});

describe('elementwise errors', () => {
  it('broadcasting and dtypes', () => {
    expectError(() => [zeros([2, 3]), zeros([4])], (a, b) => add(a!, b!), 'add: shapes [2,3] and [4] are not broadcastable');
    expectError(() => [zeros([2]), zeros([2], 'int32')], (a, b) => add(a!, b!), 'add: dtypes float32 [2] and int32 [2] differ (cast one first)');
    expectError(() => [zeros([2], 'int32')], (a) => exp(a!), 'exp: expected a float tensor, got int32 [2]');
    expectError(() => [zeros([2]), zeros([2])], (c, a) => where(c!, a!, 0), 'where: condition must be bool, got float32');
    expectError(() => [zeros([3], 'bool'), zeros([2]), zeros([2])], (c, a, b) => where(c!, a!, b!), 'where: shapes [3] and [2] are not broadcastable');
    expect(() => add(1 as never, 2)).toThrow('add: at least one operand must be a Tensor');
    expectError(() => [zeros([2])], (x) => clip(x!, 2, 1), 'clip: lower bound 2 exceeds upper bound 1');
  });
});

describe('movement and reduction errors', () => {
  it('reshape, transpose, slice, concat, pad, split, squeeze', () => {
    expectError(() => [zeros([2, 3])], (x) => reshape(x!, [4, 2]), 'reshape: cannot reshape [2,3] (6 elements) into [4,2]');
    expectError(() => [zeros([2, 3])], (x) => reshape(x!, [4, -1]), 'reshape: cannot reshape [2,3] (6 elements) into [4,-1]');
    expectError(() => [zeros([2, 3])], (x) => transpose(x!, [0, 0]), 'transpose: [0,0] is not a permutation of the axes of [2,3]');
    expectError(() => [zeros([2, 3])], (x) => slice(x!, [1, 0], [2, 3]), 'slice: begin [1,0] size [2,3] out of bounds for [2,3]');
    expectError(() => [zeros([2, 3])], (x) => slice(x!, [1], [1]), 'slice: begin [1] / size [1] do not match rank of [2,3]');
    expectError(() => [zeros([2, 3]), zeros([2, 4])], (a, b) => concat([a!, b!], 0), 'concat: shapes [2,3], [2,4] differ outside axis 0');
    expectError(() => [zeros([2]), zeros([2], 'int32')], (a, b) => concat([a!, b!]), 'concat: dtypes float32 and int32 differ');
    expectError(() => [zeros([2, 3])], (x) => pad(x!, [[1, 0]]), 'pad: paddings [[1,0]] do not fit [2,3]');
    expectError(() => [zeros([3])], (x) => split(x!, [1, 1]), 'split: sizes [1,1] do not sum to 3 (axis 0 of [3])');
    expectError(() => [zeros([3])], (x) => split(x!, 2), 'split: axis 0 of [3] does not divide into 2 parts');
    expectError(() => [zeros([2, 1])], (x) => squeeze(x!, [0]), 'squeeze: axis 0 of [2,1] is not 1');
  });
  it('axes', () => {
    expectError(() => [zeros([2, 3])], (x) => sum(x!, 2), 'sum: axis 2 is out of range for rank 2');
    expectError(() => [zeros([2, 3])], (x) => sum(x!, [0, -2]), 'sum: repeated axis in [0,-2]');
    expectError(() => [zeros([0])], (x) => max(x!), 'max: cannot reduce an empty tensor');
  });
});

describe('indexing and creation errors', () => {
  it('gather and scatterAdd', () => {
    expectError(() => [zeros([3, 2]), tensor([0, 1])], (x, i) => gather(x!, i!), 'gather: indices must be int32, got float32 [2]');
    expectError(() => [zeros([3, 2]), tensor([0, 5], [2], 'int32')], (x, i) => gather(x!, i!), 'gather: index 5 at position 1 is out of range [0, 3)');
    expectError(() => [zeros([3, 2]), tensor([-1], [1], 'int32')], (x, i) => gather(x!, i!), 'gather: index -1 at position 0 is out of range [0, 3)');
    expectError(() => [zeros([2, 3]), tensor([0, 1], [2], 'int32')], (u, i) => scatterAdd(u!, i!, [5, 4]),
      'scatterAdd: updates [2,3] should be [2,4] for indices [2] into [5,4]');
    expectError(() => [zeros([1, 4]), tensor([7], [1], 'int32')], (u, i) => scatterAdd(u!, i!, [5, 4]),
      'scatterAdd: index 7 at position 0 is out of range [0, 5)');
  });
  it('tensor, full, arange, setBackend, item', async () => {
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: ragged nested array at depth 1');
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor: 3 values do not fill shape [2,2] (4 elements)');
    expect(() => full([-1], 0)).toThrow('full: invalid shape [-1]');
    expect(() => arange(0, 3, 0)).toThrow('arange: step must not be 0');
    expect(() => setBackend('nope')).toThrow("setBackend: unknown backend 'nope' (create it first, e.g. await createWebGPUBackend())");
    const t = tensor([1, 2]);
    await expect(t.item()).rejects.toThrow('item: tensor of shape [2] is not a scalar');
    t.dispose();
  });
});
