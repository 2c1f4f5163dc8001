import { grad } from '@recur/autograd';
import { dispose, mul, scope, sum, tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { bceWithLogits, crossEntropy, mseLoss, type Reduction } from '../src/index.js';
import { det, expectClose, fixture, fromFx, noLeaks, type Fx } from './helpers.js';

interface LossCase { loss: string; opts: Record<string, unknown>; logits: Fx; targets: Fx | number[]; value: Fx; grad: Fx }
const fx = fixture<{ cases: LossCase[] }>('losses.json');

function run(c: LossCase, x: Tensor, targets: Tensor): Tensor {
  const o = c.opts as { reduction?: Reduction; ignore_index?: number; label_smoothing?: number; pos_weight?: number[] };
  if (c.loss === 'crossEntropy') return crossEntropy(x, targets, { reduction: o.reduction, ignoreIndex: o.ignore_index, labelSmoothing: o.label_smoothing });
  if (c.loss === 'bceWithLogits') return bceWithLogits(x, targets, { reduction: o.reduction, posWeight: o.pos_weight });
  return mseLoss(x, targets, { reduction: o.reduction });
}

describe('losses vs PyTorch', () => {
  for (const c of fx.cases) {
    it(`${c.loss} ${JSON.stringify(c.opts)}`, () => noLeaks(() => {
      const x = fromFx(c.logits);
      const targets = Array.isArray(c.targets) ? tensor(c.targets, undefined, 'int32') : fromFx(c.targets);
      const value = scope(() => run(c, x, targets));
      expectClose(value, c.value, 'loss value');
      // Same cotangent as the generator: det(loss.shape, 301, 1) (mse used plain backward).
      const [g] = grad((xx: Tensor) => {
        const l = run(c, xx, targets);
        return c.loss === 'mseLoss' ? l : sum(mul(l, det(l.shape, 301, 1)));
      })(x);
      expectClose(g!, c.grad, 'gradient');
      dispose([x, targets, value, g!]);
    }));
  }
});

describe('loss errors', () => {
  it('bceWithLogits names both shapes (the [B,1] vs [B] mistake)', () => noLeaks(() => {
    const x = tensor([[0.1], [0.2]]), y = tensor([1, 0]);
    expect(() => bceWithLogits(x, y)).toThrow('bceWithLogits: target [2] must have the same shape as the logits [2,1]');
    dispose([x, y]);
  }));
  it('crossEntropy checks ranks, sizes, dtypes and options', () => noLeaks(() => {
    const x = tensor([[0.1, 0.2], [0.3, 0.4]]);
    const t3 = tensor([1, 0, 1], undefined, 'int32'), tf = tensor([1, 0]), t = tensor([1, 0], undefined, 'int32');
    expect(() => crossEntropy(x, t3)).toThrow('crossEntropy: targets [3] should be [2] for logits [2,2]');
    expect(() => crossEntropy(x, tf)).toThrow('targets must be int32');
    expect(() => crossEntropy(x, t, { labelSmoothing: 2 })).toThrow('labelSmoothing must be in [0, 1]');
    expect(() => crossEntropy(x, t, { reduction: 'avg' as never })).toThrow("reduction must be 'mean', 'sum' or 'none'");
    dispose([x, t3, tf, t]);
  }));
  it('crossEntropy ignores every target → NaN mean, as PyTorch', () => noLeaks(async () => {
    const x = tensor([[0.1, 0.2]]), t = tensor([-100], undefined, 'int32');
    const l = crossEntropy(x, t);
    expect(Number.isNaN(await l.item())).toBe(true);
    dispose([x, t, l]);
  }));
});
