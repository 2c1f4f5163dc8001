// Gradient rules against kernel contracts: attrs typed by the kernel's name (no casts), the named
// form keyed by input/output names; wrong names are compile errors (typecheck covers this file).
import { runNamedKernel } from '@recur/tensor/backend';
import { dispose, memory, rnnSequence, scope, sum, tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { defineGrad, defineNamedGrad, getGrad, valueAndGrad } from '../src/index.js';

/** Never called: its body only has to type-check (or fail to, where marked). */
function typeLevel(): void {
  defineGrad('Gather', {
    backward: ([dy], s) => {
      const axis: number = s.attrs.axis;
      // @ts-expect-error Gather's attrs have no 'axes'
      void s.attrs.axes;
      return [() => dy!.mul(axis), undefined];
    },
  });
  defineNamedGrad('RNNSequence', {
    // @ts-expect-error RNNSequence has no input 'wHH'
    save: { inputs: ['wHH'] },
    backward: () => ({}),
  });
  defineNamedGrad('RNNSequence', {
    save: { inputs: ['wHh'] },
    backward: ({ y }, { inputs }) => {
      // @ts-expect-error h0 was not saved
      void inputs.h0;
      return { xProj: () => y };
    },
  });
  defineNamedGrad('RNNSequence', {
    // @ts-expect-error RNNSequence has no input 'bHh' to return a gradient for
    backward: ({ y }) => ({ bHh: () => y }),
  });
  // @ts-expect-error RNNSequenceGrad's attr is 'nonlinearity'
  runNamedKernel('RNNSequenceGrad', {} as never, { nonlinearty: 'tanh' });
}

describe('gradient rules against kernel contracts', () => {
  it('type-level checks live in this file (typecheck); the fused rules are registered by name', () => {
    expect(typeof typeLevel).toBe('function');
    for (const k of ['LSTMSequence', 'GRUSequence', 'RNNSequence']) expect(getGrad(k)).toBeDefined();
  });

  it('the named RNN rule gives the same gradients as the composite path', () => {
    const before = memory().tensors;
    scope(() => {
      const [T, B, H] = [3, 2, 2];
      const v = (n: number, s: number) => Array.from({ length: n }, (_, i) => Math.cos(1.3 * i + s) * 0.6);
      const x = tensor(v(T * B * H, 1), [T, B, H], 'float64'), w = tensor(v(H * H, 2), [H, H], 'float64');
      const h0 = tensor(v(B * H, 3), [B, H], 'float64'), mask = tensor([1, 1, 1, 1, 1, 0], [T, B], 'float64');
      const grads = (fused: boolean) => {
        const r = valueAndGrad((a: Tensor, b: Tensor, c: Tensor) => {
          const o = rnnSequence(a, b, c, mask, 'tanh', { fused });
          return sum(o.y.mul(o.y)).add(sum(o.hN));
        })(x, w, h0);
        r.value.dispose();
        return r.grads;
      };
      const f = grads(true), c = grads(false);
      f.forEach((g, i) => {
        const a = g.dataSync(), b = c[i]!.dataSync();
        a.forEach((val, j) => expect(Math.abs(val - b[j]!)).toBeLessThan(1e-12));
      });
      dispose([...f, ...c]);
    });
    expect(memory().tensors).toBe(before);
  });
});
