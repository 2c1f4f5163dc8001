/** Composite ops (built from primitives inside an op scope): values and no leaked temporaries. */
import { describe, expect, it } from 'vitest';
import {
  broadcastTo, clip, dispose, expandDims, logSoftmax, logSumExp, mean, memory, min, minimum, oneHot, reciprocal,
  scope, softmax, softplus, split, square, squeeze, stack, tensor, type Tensor,
} from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

const f64 = (v: number[], shape?: number[]) => tensor(v, shape ?? [v.length], 'float64');

/** Runs `op` and checks it created exactly one live tensor (its result), then compares values. */
async function expectOp(op: () => Tensor, want: number[], shape: number[], tol = { atol: 1e-12, rtol: 1e-12 }): Promise<void> {
  const before = memory().tensors;
  const y = op();
  try {
    expect(memory().tensors - before).toBe(1);
    expect(y.shape).toEqual(shape);
    await expectClose(y, want, tol);
  } finally {
    y.dispose();
  }
}

describe('nn composites', () => {
  it('softmax / logSoftmax / logSumExp along the last axis, stable for large logits', async () => {
    const x = f64([1, 2, 3, 1000, 1001, 1002], [2, 3]);
    // softmax([1,2,3]) = e^(x−3)/Σ = [0.0900306, 0.2447285, 0.6652410]; shifting by 1000 changes nothing.
    const p = [0.09003057317038046, 0.24472847105479764, 0.6652409557748219];
    await expectOp(() => softmax(x), [...p, ...p], [2, 3]);
    await expectOp(() => logSoftmax(x), [...p, ...p].map(Math.log), [2, 3]);
    const lse = 3 + Math.log(1 + Math.exp(-1) + Math.exp(-2));
    await expectOp(() => logSumExp(x), [lse, lse + 999], [2]);
    await expectOp(() => logSumExp(x, 0, true), [1000, 1001, 1002], [1, 3]);
    x.dispose();
  });

  it('softplus is stable at both tails', async () => {
    const x = f64([-800, -1, 0, 1, 800]);
    await expectOp(() => softplus(x), [0, Math.log1p(Math.exp(-1)), Math.LN2, 1 + Math.log1p(Math.exp(-1)), 800], [5]);
    x.dispose();
  });
});

describe('elementwise and reduction composites', () => {
  it('minimum, clip, square, reciprocal', async () => {
    const a = f64([1, -2, 3]), b = f64([0, 5, 3]);
    await expectOp(() => minimum(a, b), [0, -2, 3], [3]);
    await expectOp(() => clip(a, -1, 2), [1, -1, 2], [3]);
    await expectOp(() => square(a), [1, 4, 9], [3]);
    await expectOp(() => reciprocal(a), [1, -0.5, 1 / 3], [3]);
    dispose([a, b]);
  });

  it('mean and min over axes', async () => {
    const x = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    await expectOp(() => mean(x), [3.5], []);
    await expectOp(() => mean(x, 0), [2.5, 3.5, 4.5], [3]);
    await expectOp(() => mean(x, [1], true), [2, 5], [2, 1]);
    await expectOp(() => min(x, 1), [1, 4], [2]);
    x.dispose();
  });
});

describe('movement composites', () => {
  it('stack, split, expandDims, squeeze, broadcastTo', async () => {
    const a = f64([1, 2]), b = f64([3, 4]);
    await expectOp(() => stack([a, b]), [1, 2, 3, 4], [2, 2]);
    await expectOp(() => stack([a, b], 1), [1, 3, 2, 4], [2, 2]);
    await expectOp(() => expandDims(a, -1), [1, 2], [2, 1]);
    await expectOp(() => scope(() => squeeze(expandDims(expandDims(a, 0), 2))), [1, 2], [2]);
    await expectOp(() => broadcastTo(a, [3, 2]), [1, 2, 1, 2, 1, 2], [3, 2]);
    const x = f64([1, 2, 3, 4, 5, 6], [3, 2]);
    const parts = split(x, [1, 2], 0);
    expect(parts.map((p) => p.shape)).toEqual([[1, 2], [2, 2]]);
    await expectClose(parts[1]!, [3, 4, 5, 6]);
    dispose([a, b, x, ...parts]);
  });

  it('oneHot', async () => {
    const ids = tensor([2, 0, 1], [3], 'int32');
    await expectOp(() => oneHot(ids, 3), [0, 0, 1, 1, 0, 0, 0, 1, 0], [3, 3]);
    ids.dispose();
  });
});
