/**
 * Finite-difference gradchecks (float64, central differences, random cotangent) for every gradient
 * rule, on awkward shapes with broadcasting. Inputs avoid kinks; kinks have their own closed-form
 * tests. Small inputs get the full Jacobian; inputs over 64 elements the random-direction check.
 */
import { describe, expect, it } from 'vitest';
import {
  abs, add, cast, clip, concat, dispose, div, exp, gather, greater, log, logSoftmax, logSumExp, matMul, max, maximum,
  linear, mean, minimum, mul, neg, pad, pow, relu, reshape, scatterAdd, sigmoid, slice, softmax, sqrt, sub, sum, tanh,
  tensor, transpose, where, type Tensor,
} from '@recur/tensor';
import { gradcheck, type GradcheckOptions } from '@recur/tensor/testing';
import { autogradVjp, f64 } from './helpers.js';

/** Runs gradcheck on freshly made inputs and disposes them; returns the check modes used. */
async function check(make: () => Tensor[], f: (...xs: Tensor[]) => Tensor, opts: GradcheckOptions = {}): Promise<string[]> {
  const xs = make();
  try {
    return (await gradcheck(f, xs, autogradVjp, opts)).map((r) => r.mode);
  } finally {
    dispose(xs);
  }
}

describe('unary rules', () => {
  // Shapes [2,3,1]; log/sqrt on positive inputs, relu/abs on inputs bounded away from 0.
  const cases: Array<[string, (x: Tensor) => Tensor, () => Tensor]> = [
    ['Neg', neg, () => f64([2, 3, 1])],
    ['Exp', exp, () => f64([2, 3, 1])],
    ['Log', log, () => f64([2, 3, 1], 0, 1, 2)],
    ['Sqrt', sqrt, () => f64([2, 3, 1], 0, 1, 2)],
    ['Tanh', tanh, () => f64([2, 3, 1], 0, 2)],
    ['Sigmoid', sigmoid, () => f64([2, 3, 1], 0, 3)],
    ['Relu', relu, () => tensor([-1.5, 0.7, 2, -0.3, 1.1, -2.2], [2, 3, 1], 'float64')],
    ['Abs', abs, () => tensor([-1.5, 0.7, 2, -0.3, 1.1, -2.2], [2, 3, 1], 'float64')],
  ];
  for (const [name, op, make] of cases) {
    it(name, async () => {
      expect(await check(() => [make()], op)).toEqual(['jacobian']);
    });
  }
  it('Tanh on 100 elements uses the random-direction check', async () => {
    expect(await check(() => [f64([10, 10], 0, 2)], tanh)).toEqual(['direction']);
  });
});

describe('binary rules with broadcasting', () => {
  // a [2,1,3] against b [4,1] → out [2,4,3]: both operands are broadcast along some axis.
  const cases: Array<[string, (a: Tensor, b: Tensor) => Tensor, () => Tensor[]]> = [
    ['Add', add, () => [f64([2, 1, 3]), f64([4, 1], 1)]],
    ['Sub', sub, () => [f64([2, 1, 3]), f64([4, 1], 1)]],
    ['Mul', mul, () => [f64([2, 1, 3]), f64([4, 1], 1)]],
    ['Div', div, () => [f64([2, 1, 3]), f64([4, 1], 1, 1, 2)]],
    ['Maximum', maximum, () => [f64([2, 1, 3]), f64([4, 1], 1, 1, 0.05)]],
    ['Pow', pow, () => [f64([2, 1, 3], 0, 1, 2), f64([4, 1], 1)]],
  ];
  for (const [name, op, make] of cases) {
    it(name, async () => {
      expect(await check(make, op)).toEqual(['jacobian', 'jacobian']);
    });
  }
  it('Mul with a scalar operand and a 65-element one (direction check)', async () => {
    expect(await check(() => [f64([]), f64([5, 13], 1)], mul)).toEqual(['jacobian', 'direction']);
  });
});

describe('select and cast rules', () => {
  it('Where with condition [3,1], a [1,4], b scalar', async () => {
    const cond = () => tensor([true, false, true], [3, 1]);
    const make = () => [f64([1, 4]), f64([], 2)];
    const c = cond();
    try {
      expect(await check(make, (a, b) => where(c, a!, b!))).toEqual(['jacobian', 'jacobian']);
    } finally {
      c.dispose();
    }
  });
  it('Cast float32 → float64 passes the gradient through (float32 settings)', async () => {
    expect(await check(() => [tensor([0.5, -1.25, 2], [3])], (x) => mul(cast(x, 'float64'), cast(x, 'float64')))).toEqual(['jacobian']);
  });
  it('Cast float64 → float32 (float32 settings)', async () => {
    expect(await check(() => [f64([2, 2])], (x) => tanh(cast(x, 'float32')), { eps: 1e-3, atol: 1e-2, rtol: 1e-2 })).toEqual(['jacobian']);
  });
});

describe('reduction rules', () => {
  const axesCases: Array<[number[] | undefined, boolean]> = [[[1], false], [[0, 2], true], [undefined, false]];
  for (const [axes, keep] of axesCases) {
    it(`Sum over ${JSON.stringify(axes ?? 'all')}${keep ? ' keepDims' : ''} of [2,3,4]`, async () => {
      expect(await check(() => [f64([2, 3, 4])], (x) => sum(x, axes, keep))).toEqual(['jacobian']);
    });
    it(`Max over ${JSON.stringify(axes ?? 'all')}${keep ? ' keepDims' : ''} of [2,3,4] (distinct values)`, async () => {
      expect(await check(() => [f64([2, 3, 4])], (x) => max(x, axes, keep))).toEqual(['jacobian']);
    });
  }
});

describe('BatchMatMul rule', () => {
  // M=2, K=3, N=4; batch 3 against batch 1 on either side, and equal batches.
  const batches: Array<[number, number]> = [[3, 3], [1, 3], [3, 1]];
  for (const [ba, bb] of batches) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const sa = [ba, ta ? 3 : 2, ta ? 2 : 3], sb = [bb, tb ? 4 : 3, tb ? 3 : 4];
        it(`${JSON.stringify(sa)}${ta ? 'ᵀ' : ''} x ${JSON.stringify(sb)}${tb ? 'ᵀ' : ''}`, async () => {
          expect(await check(() => [f64(sa), f64(sb, 1)], (a, b) => matMul(a!, b!, { transposeA: ta, transposeB: tb })))
            .toEqual(['jacobian', 'jacobian']);
        });
      }
    }
  }
  it('rank 2 with transposeB, and a 72-element operand (direction check)', async () => {
    expect(await check(() => [f64([9, 8]), f64([5, 8], 1)], (a, b) => matMul(a!, b!, { transposeB: true })))
      .toEqual(['direction', 'jacobian']);
  });
});

describe('Linear rule (fused x·wᵀ + b)', () => {
  it('x [5,4], w [3,4], b [3]', async () => {
    expect(await check(() => [f64([5, 4]), f64([3, 4], 1), f64([3], 2)], (x, w, b) => linear(x!, w!, b!)))
      .toEqual(['jacobian', 'jacobian', 'jacobian']);
  });
});

describe('movement rules', () => {
  it('Reshape [2,6] → [3,4]', async () => {
    expect(await check(() => [f64([2, 6])], (x) => reshape(x, [3, 4]))).toEqual(['jacobian']);
  });
  it('Transpose [2,3,4] perm [2,0,1]', async () => {
    expect(await check(() => [f64([2, 3, 4])], (x) => transpose(x, [2, 0, 1]))).toEqual(['jacobian']);
  });
  it('Slice [4,5] begin [1,2] size [2,3]', async () => {
    expect(await check(() => [f64([4, 5])], (x) => slice(x, [1, 2], [2, 3]))).toEqual(['jacobian']);
  });
  it('Concat [2,1] + [2,3] + [2,2] on axis 1', async () => {
    expect(await check(() => [f64([2, 1]), f64([2, 3], 1), f64([2, 2], 2)], (a, b, c) => concat([a!, b!, c!], 1)))
      .toEqual(['jacobian', 'jacobian', 'jacobian']);
  });
  it('Pad [2,3] by [[1,0],[2,1]] with 0.5', async () => {
    expect(await check(() => [f64([2, 3])], (x) => pad(x, [[1, 0], [2, 1]], 0.5))).toEqual(['jacobian']);
  });
});

describe('indexing rules', () => {
  it('Gather rows of [5,3] by [2,3] ids with repeats', async () => {
    expect(await check(() => [f64([5, 3]), tensor([4, 0, 4, 2, 4, 1], [2, 3], 'int32')], (x, i) => gather(x!, i!)))
      .toEqual(['jacobian']);
  });
  it('Gather along axis 1 of [2,4,3]', async () => {
    expect(await check(() => [f64([2, 4, 3]), tensor([3, 3, 0], [3], 'int32')], (x, i) => gather(x!, i!, 1)))
      .toEqual(['jacobian']);
  });
  it('ScatterAdd [4,2] updates into [3,2] with repeated ids', async () => {
    expect(await check(() => [f64([4, 2]), tensor([2, 0, 2, 2], [4], 'int32')], (u, i) => scatterAdd(u!, i!, [3, 2])))
      .toEqual(['jacobian']);
  });
});

describe('composites (checked through their primitives)', () => {
  const cases: Array<[string, (x: Tensor) => Tensor]> = [
    ['softmax', (x) => softmax(x)],
    ['logSoftmax over axis 0', (x) => logSoftmax(x, 0)],
    ['logSumExp', (x) => logSumExp(x, -1)],
    ['mean over [0]', (x) => mean(x, 0)],
    ['minimum with 0.1', (x) => minimum(x, 0.1)],
    ['clip to [-0.5, 0.5]', (x) => clip(x, -0.5, 0.5)],
    ['x·(x > 0) (fan-out through where)', (x) => where(greater(x, 0), mul(x, x), x)],
  ];
  for (const [name, f] of cases) {
    it(name, async () => {
      expect(await check(() => [f64([3, 4])], f)).toEqual(['jacobian']);
    });
  }
});
