/** The tape and API: rule coverage, graph lifetime, noGrad, errors, several inputs and fan-out. */
import { describe, expect, it } from 'vitest';
import { add, argMax, cast, dispose, less, matMul, memory, mul, neg, scope, sum, tanh, tensor, type Tensor } from '@recur/tensor';
import { NON_DIFFERENTIABLE, PRIMITIVE_KERNELS } from '@recur/tensor/backend';
import { expectClose, gradcheck } from '@recur/tensor/testing';
import {
  backward, defineGrad, getGrad, grad, isGradEnabled, isTracked, liveGradNodes, noGrad, registeredGradKernels, unwatch, valueAndGrad,
  watch,
} from '../src/index.js';
import { autogradVjp, lit } from './helpers.js';

/** Differentiable kernels (not marked NON_DIFFERENTIABLE) among `kernels` that have no rule. */
function missingRules(kernels: readonly string[]): string[] {
  const rules = new Set(registeredGradKernels());
  return kernels.filter((k) => !NON_DIFFERENTIABLE.has(k) && !rules.has(k));
}

describe('rule coverage', () => {
  it('every differentiable primitive kernel has a gradient rule', () => {
    expect(missingRules(PRIMITIVE_KERNELS)).toEqual([]);
  });
  it('the coverage check notices a kernel without a rule', () => {
    expect(missingRules([...PRIMITIVE_KERNELS, 'NewKernel'])).toEqual(['NewKernel']);
    expect(missingRules(['ArgMax', 'Less'])).toEqual([]); // marked non-differentiable
  });
});

describe('graph lifetime', () => {
  it('frees nodes and saved tensors after backward and disposal', () => {
    const m0 = memory();
    const x = lit([0.5, -1, 2, 0.1], [2, 2]), w = lit([1, 2, 3, 4], [2, 2]);
    watch(w);
    const loss = scope(() => sum(tanh(matMul(x, w))));
    expect(liveGradNodes()).toBeGreaterThan(0);
    const [dw] = backward(loss, [w]);
    unwatch(w);
    dispose([loss, dw!, x, w]);
    expect(liveGradNodes()).toBe(0);
    expect(memory().tensors).toBe(m0.tensors);
    expect(memory().buffers).toBe(m0.buffers);
  });

  it('frees a graph that was never differentiated once its output is disposed', () => {
    const m0 = memory();
    const w = lit([1, 2, 3]);
    watch(w);
    const y = scope(() => sum(mul(tanh(w), w)));
    unwatch(w);
    expect(liveGradNodes()).toBeGreaterThan(0);
    y.dispose();
    expect(liveGradNodes()).toBe(0);
    w.dispose();
    expect(memory().tensors).toBe(m0.tensors);
    expect(memory().buffers).toBe(m0.buffers);
  });

  it('valueAndGrad leaves only the value and the grads alive', () => {
    const m0 = memory();
    const a = lit([1, 2]);
    const { value, grads } = valueAndGrad((x: Tensor) => sum(tanh(mul(x, x))))(a);
    expect(memory().tensors - m0.tensors).toBe(3);
    dispose([a, value, ...grads]);
    expect(liveGradNodes()).toBe(0);
  });
});

describe('API behaviour', () => {
  it('noGrad records nothing', () => {
    const w = lit([1, 2]);
    watch(w);
    const before = liveGradNodes();
    expect(isGradEnabled()).toBe(true);
    const y = noGrad(() => {
      expect(noGrad(() => isGradEnabled())).toBe(false); // nested
      expect(isGradEnabled()).toBe(false);
      return mul(w, 3);
    });
    expect(isGradEnabled()).toBe(true);
    expect(isTracked(y)).toBe(false);
    expect(liveGradNodes()).toBe(before);
    const z = mul(w, 3);
    expect(isTracked(z)).toBe(true);
    unwatch(w);
    dispose([w, y, z]);
  });

  it('non-differentiable and integer outputs are not tracked', () => {
    const w = lit([1, -2]);
    watch(w);
    const outs = [argMax(w), less(w, 0), cast(w, 'int32')];
    expect(outs.map(isTracked)).toEqual([false, false, false]);
    unwatch(w);
    dispose([w, ...outs]);
  });

  it('a second backward through the same graph throws a clear error', () => {
    const w = lit([1, 2]);
    watch(w);
    const loss = scope(() => sum(tanh(w)));
    dispose(backward(loss, [w]));
    expect(() => backward(loss, [w])).toThrow(
      'backward: this graph was already used by a backward pass and its saved tensors are freed; run the forward pass again');
    unwatch(w);
    dispose([loss, w]);
  });

  it('names an unwatched tensor and a mismatched cotangent', () => {
    const w = lit([1, 2]), v = lit([3]);
    watch(w);
    const loss = scope(() => sum(mul(w, 2)));
    expect(() => backward(loss, [v])).toThrow(`backward: tensor [1] (id ${v.id}) is not watched; pass it to valueAndGrad or watch() it before the forward pass`);
    const badDy = lit([1, 2]);
    expect(() => backward(loss, [w], badDy)).toThrow('backward: cotangent [2] does not match output []');
    unwatch(w);
    dispose([w, v, loss, badDy]);
  });

  it('valueAndGrad with several inputs: f = Σ(a·b + c²) → (b, a, 2c)', async () => {
    const a = lit([1, 2]), b = lit([3, 4]), c = lit([5, -6]);
    const { value, grads } = valueAndGrad((x: Tensor, y: Tensor, z: Tensor) => sum(add(mul(x, y), mul(z, z))))(a, b, c);
    await expectClose(value, [1 * 3 + 2 * 4 + 25 + 36]);
    await expectClose(grads[0]!, [3, 4]);
    await expectClose(grads[1]!, [1, 2]);
    await expectClose(grads[2]!, [10, -12]);
    dispose([a, b, c, value, ...grads]);
  });

  it('fan-out accumulates: f = Σ(x·x + x) → 2x + 1; t = tanh x used twice → 2t(1 − t²)', async () => {
    const x = lit([0.5, -3]);
    const [g1] = grad((t: Tensor) => sum(add(mul(t, t), t)))(x);
    await expectClose(g1!, [2, -5]);
    const [g2] = grad((t: Tensor) => scope(() => {
      const th = tanh(t);
      return sum(mul(th, th));
    }))(x);
    await expectClose(g2!, [0.5, -3].map((v) => 2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)), { atol: 1e-12, rtol: 1e-12 });
    dispose([x, g1!, g2!]);
  });

  it('an input the function ignores gets a zero gradient', async () => {
    const a = lit([1]), b = lit([2, 3]);
    const [ga, gb] = grad((x: Tensor, _y: Tensor) => sum(mul(x, 4)))(a, b);
    await expectClose(ga!, [4]);
    await expectClose(gb!, [0, 0]);
    dispose([a, b, ga!, gb!]);
  });

  it('backward takes an explicit cotangent', async () => {
    const w = lit([1, 2, 3]);
    watch(w);
    const y = scope(() => mul(w, w));
    const dy = lit([1, 0, -1]);
    const [dw] = backward(y, [w], dy);
    await expectClose(dw!, [2, 0, -6]);
    unwatch(w);
    dispose([w, y, dy, dw!]);
  });
});

describe('rule failures are caught', () => {
  it('gradcheck through the tape rejects a wrong rule', async () => {
    const original = getGrad('Neg')!;
    defineGrad('Neg', { backward: ([dy]) => [() => mul(dy!, -1.01)] });
    const x = lit([0.5, 1.5]);
    try {
      await expect(gradcheck((t) => neg(t), [x], autogradVjp)).rejects.toThrow('vjp with random cotangent');
    } finally {
      defineGrad('Neg', original);
      x.dispose();
    }
  });

  it('a rule that returns the wrong shape is named', () => {
    const original = getGrad('Tanh')!;
    defineGrad('Tanh', { backward: () => [() => tensor([1, 2, 3], [3], 'float64')] });
    const x = lit([0.5, 1.5]);
    try {
      expect(() => grad((t: Tensor) => sum(tanh(t)))(x)).toThrow('autograd: rule for Tanh gave gradient [3] for input 0 of shape [2]');
    } finally {
      defineGrad('Tanh', original);
      x.dispose();
    }
  });
});

describe('shared subgraphs', () => {
  it('a backward through a subgraph an earlier backward consumed throws the same clear error', () => {
    const w = lit([0.5, -1]);
    watch(w);
    const h = tanh(w); // shared by two losses
    const l1 = scope(() => sum(h)), l2 = scope(() => sum(mul(h, 2)));
    dispose(backward(l1, [w]));
    expect(() => backward(l2, [w])).toThrow('backward: this graph was already used by a backward pass');
    unwatch(w);
    dispose([w, h, l1, l2]);
  });
});
