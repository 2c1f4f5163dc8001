/**
 * Closed-form gradients for every rule on tiny literal tensors, with the calculus in a comment.
 * Kinks follow PyTorch: relu'(0) = 0, |x|'(0) = 0, ties in maximum split the gradient in half,
 * ties in max (amax) share it evenly.
 */
import { describe, expect, it } from 'vitest';
import {
  abs, add, cast, concat, dispose, div, exp, gather, log, matMul, max, maximum, mul, neg, pad, pow, relu, reshape,
  scatterAdd, sigmoid, slice, sqrt, sub, sum, tanh, tensor, transpose, where, type Tensor,
} from '@recur/tensor';
import { expectClose } from '@recur/tensor/testing';
import { valueAndGrad } from '../src/index.js';
import { lit } from './helpers.js';

/**
 * d(sum(f(xs)))/dxs compared with `want` (one array per input); the inputs are created by `make`
 * and disposed afterwards, as are the value and the gradients.
 */
async function expectGrads(make: () => Tensor[], f: (...xs: Tensor[]) => Tensor, want: number[][]): Promise<void> {
  const xs = make();
  const { value, grads } = valueAndGrad((...a: Tensor[]) => sum(f(...a)))(...xs);
  try {
    expect(grads.length).toBe(xs.length); // index inputs get zeros; `want` lists the float ones
    for (let i = 0; i < want.length; i++) await expectClose(grads[i]!, want[i]!, { atol: 1e-12, rtol: 1e-12, label: `grad ${i}` });
  } finally {
    dispose([value, ...grads, ...xs]);
  }
}

describe('unary', () => {
  it('Neg: d(−x) = −1', () => expectGrads(() => [lit([1, -2])], neg, [[-1, -1]]));
  it('Exp: d eˣ = eˣ → [e⁰, e^ln2] = [1, 2]', () => expectGrads(() => [lit([0, Math.LN2])], exp, [[1, 2]]));
  it('Log: d ln x = 1/x → [1, 1/4]', () => expectGrads(() => [lit([1, 4])], log, [[1, 0.25]]));
  it('Sqrt: d √x = 1/(2√x) → x=4: 1/4', () => expectGrads(() => [lit([4])], sqrt, [[0.25]]));
  it('Tanh: d tanh = 1 − tanh² → x=0: 1, x=ln3: 1 − (4/5)² = 9/25', () =>
    expectGrads(() => [lit([0, Math.log(3)])], tanh, [[1, 9 / 25]]));
  it('Sigmoid: dσ = σ(1 − σ) → x=0: 1/4, x=ln3: (3/4)(1/4) = 3/16', () =>
    expectGrads(() => [lit([0, Math.log(3)])], sigmoid, [[0.25, 3 / 16]]));
  it('Relu: 0 below, 1 above, 0 at the kink (PyTorch)', () => expectGrads(() => [lit([-1, 0, 2])], relu, [[0, 0, 1]]));
  it('Abs: sign(x), with sign(0) = 0 (PyTorch)', () => expectGrads(() => [lit([-3, 0, 2])], abs, [[-1, 0, 1]]));
});

describe('binary', () => {
  it('Add with broadcasting: b [2] is added to both rows of a [2,2] → db = [2, 2]', () =>
    expectGrads(() => [lit([1, 2, 3, 4], [2, 2]), lit([5, 6])], add, [[1, 1, 1, 1], [2, 2]]));
  it('Sub: da = 1, db = −1 per use; scalar b used 3 times → −3', () =>
    expectGrads(() => [lit([1, 2, 3]), lit([1], [])], sub, [[1, 1, 1], [-3]]));
  it('Mul: da = b, db = a', () => expectGrads(() => [lit([2, 3]), lit([4, 5])], mul, [[4, 5], [2, 3]]));
  it('Div: a/b with a=6, b=3 → da = 1/b = 1/3, db = −a/b² = −2/3', () =>
    expectGrads(() => [lit([6]), lit([3])], div, [[1 / 3], [-2 / 3]]));
  it('Maximum: the larger side gets dy, ties split it in half (torch.maximum)', () =>
    expectGrads(() => [lit([1, 5, 3]), lit([2, 4, 3])], maximum, [[0, 1, 0.5], [1, 0, 0.5]]));
  it('Pow: 2³ → da = 3·2² = 12, db = 2³·ln 2; base 0 → db = 0 (PyTorch)', () =>
    expectGrads(() => [lit([2, 0]), lit([3, 2])], pow, [[12, 0], [8 * Math.LN2, 0]]));
});

describe('select, cast, reductions', () => {
  it('Where: dy goes to the side that was picked', async () => {
    const c = tensor([true, false]);
    await expectGrads(() => [lit([1, 2]), lit([3, 4])], (a, b) => where(c, a!, b!), [[1, 0], [0, 1]]);
    c.dispose();
  });
  it('Cast float32 → float64 → float32 passes dy through in the input dtype', async () => {
    const x = tensor([1.5, -2]);
    const { value, grads } = valueAndGrad((t: Tensor) => sum(mul(cast(t, 'float64'), 3)))(x);
    expect(grads[0]!.dtype).toBe('float32');
    await expectClose(grads[0]!, [3, 3]);
    dispose([x, value, ...grads]);
  });
  it('Sum over axis 1 of [2,3]: every element gets dy of its row', () =>
    expectGrads(() => [lit([1, 2, 3, 4, 5, 6], [2, 3])], (x) => mul(sum(x!, 1), lit([1, 10])), [[1, 1, 1, 10, 10, 10]]));
  it('Max: the arg max gets dy; tied maxima share it evenly (torch.amax)', () =>
    expectGrads(() => [lit([1, 3, 3, 7, 2, 0], [2, 3])], (x) => max(x!, 1), [[0, 0.5, 0.5, 1, 0, 0]]));
});

describe('matmul and movement', () => {
  it('BatchMatMul: C = A·B with A [1,2], B [2,1] → dA = dC·Bᵀ = [3, 4], dB = Aᵀ·dC = [1, 2]ᵀ', () =>
    expectGrads(() => [lit([1, 2], [1, 2]), lit([3, 4], [2, 1])], (a, b) => matMul(a!, b!), [[3, 4], [1, 2]]));
  it('BatchMatMul with transposeA: C = Aᵀ·B, A [2,1] → dA = B·dCᵀ', () =>
    expectGrads(() => [lit([1, 2], [2, 1]), lit([3, 4], [2, 1])], (a, b) => matMul(a!, b!, { transposeA: true }), [[3, 4], [1, 2]]));
  it('Reshape and Transpose move dy back: weights [[1,2],[3,4]]ᵀ read in input order', () =>
    expectGrads(() => [lit([0, 0, 0, 0], [4])], (x) => mul(transpose(reshape(x!, [2, 2])), lit([1, 2, 3, 4], [2, 2])), [[1, 3, 2, 4]]));
  it('Slice: dy lands in the sliced block, zeros elsewhere', () =>
    expectGrads(() => [lit([1, 2, 3, 4, 5, 6], [2, 3])], (x) => mul(slice(x!, [0, 1], [2, 1]), lit([5, 7], [2, 1])), [[0, 5, 0, 0, 7, 0]]));
  it('Concat: dy is split back into the pieces', () =>
    expectGrads(() => [lit([1]), lit([2, 3])], (a, b) => mul(concat([a!, b!]), lit([4, 5, 6])), [[4], [5, 6]]));
  it('Pad: dy of the interior only', () =>
    expectGrads(() => [lit([1, 2])], (x) => mul(pad(x!, [[1, 2]], 9), lit([1, 2, 3, 4, 5])), [[2, 3]]));
  it('Gather: repeated ids accumulate: ids [1,1,0] → dx = [w2, w0 + w1]', () =>
    expectGrads(() => [lit([10, 20], [2, 1]), tensor([1, 1, 0], [3], 'int32')],
      (x, i) => mul(gather(x!, i!), lit([1, 2, 3], [3, 1])), [[3, 3]]));
  it('ScatterAdd: du = dy gathered at the ids', () =>
    expectGrads(() => [lit([1, 2, 3]), tensor([2, 0, 2], [3], 'int32')],
      (u, i) => mul(scatterAdd(u!, i!, [3]), lit([5, 6, 7])), [[7, 5, 7]]));
});
