/** The monomorphic elementwise overrides give bit-identical results to the reference kernels. */
import { afterEach, describe, expect, it } from 'vitest';
import { abs, add, div, exp, log, memory, mul, neg, sqrt, sub, tanh, tensor, type DType, type Tensor } from '../src/index.js';
import { cpuKernels, fastCpuKernels, registerKernels, type KernelConfig } from '../src/backend-entry.js';
import { rand } from './fused-reference.js';

const useReference = (on: boolean) => registerKernels((on ? cpuKernels : fastCpuKernels) as KernelConfig<string, never>[], { override: true });
afterEach(() => useReference(false));

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-40, 3e38];

function both(f: () => Tensor): [number[], number[]] {
  const fast = f();
  useReference(true);
  const ref = f();
  useReference(false);
  const out: [number[], number[]] = [Array.from(fast.dataSync()), Array.from(ref.dataSync())];
  fast.dispose();
  ref.dispose();
  return out;
}

describe('fast elementwise kernels', () => {
  const shapes: Array<[number[], number[]]> = [[[3, 5], [3, 5]], [[3, 5], []], [[], [3, 5]], [[4, 3, 5], [5]], [[5], [2, 5]], [[3, 1, 5], [1, 5]]];
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const [sa, sb] of shapes) {
      it(`binary ${dtype} [${sa}] ⊕ [${sb}] is bit-identical`, () => {
        const before = memory().tensors;
        const n = (s: number[]) => s.reduce((p, d) => p * d, 1);
        const a = tensor([...SPECIAL, ...rand(n(sa), 1, 3)].slice(0, n(sa)), sa, dtype);
        const b = tensor([...rand(n(sb), 2, 3), ...SPECIAL].slice(-n(sb)), sb, dtype);
        for (const op of [add, sub, mul, div]) {
          const [fast, ref] = both(() => op(a, b));
          expect(fast).toEqual(ref);
        }
        a.dispose();
        b.dispose();
        expect(memory().tensors).toBe(before);
      });
    }
    it(`unary ${dtype} is bit-identical`, () => {
      const x = tensor([...SPECIAL, ...rand(20, 3, 5), -2, 0.5], [29], dtype);
      for (const op of [sqrt, neg, exp, log, tanh, abs]) {
        const [fast, ref] = both(() => op(x));
        expect(fast).toEqual(ref);
      }
      x.dispose();
    });
  }
});
