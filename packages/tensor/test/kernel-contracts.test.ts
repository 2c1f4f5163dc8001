// Kernel contracts: one declaration per kernel name (inputs, outputs, attrs) used by kernels, ops
// and rules. The type-level checks below run under `pnpm --filter @recur/tensor typecheck`.
import { describe, expect, it } from 'vitest';
import {
  cpuKernels, defineKernel, inputList, inputNames, inputsOf, KERNEL_CONTRACTS, outputsOf, PRIMITIVE_KERNELS,
  runNamedKernel, type CpuBackend, type KernelSpecs,
} from '../src/backend-entry.js';
import { memory, scope, tensor, type Tensor, type TensorInfo } from '../src/index.js';

/** Never called: its body only has to type-check (or fail to, where marked). */
function typeLevel(x: Tensor, infos: TensorInfo[]): void {
  defineKernel<'RNNSequence', CpuBackend>('RNNSequence', 'cpu', ({ attrs }) => {
    const act: 'tanh' | 'relu' = attrs.nonlinearity;
    // @ts-expect-error RNNSequence's attr is 'nonlinearity'
    void attrs.nonlinearty;
    return act === 'tanh' ? infos : [];
  });
  // @ts-expect-error LSTMSequence's attr is 'keepState'
  runNamedKernel('LSTMSequence', { xProj: x, wHh: x, h0: x, c0: x, mask: x }, { keepStat: false });
  // @ts-expect-error LSTMSequence has no input 'bHh'; 'c0' is missing
  runNamedKernel('LSTMSequence', { xProj: x, wHh: x, h0: x, bHh: x, mask: x }, {});
  const io = inputsOf('GRUSequence', infos);
  void io.bHh;
  // @ts-expect-error GRUSequence has no input 'c0'
  void io.c0;
  const gather: KernelSpecs['Gather'] = { axis: 0 };
  // @ts-expect-error Gather's attr is 'axis'
  const bad: KernelSpecs['Gather'] = { axes: [0] };
  void [gather, bad];
}

describe('kernel contracts', () => {
  it('cover every CPU kernel and every primitive', () => {
    expect(typeof typeLevel).toBe('function');
    const named = new Set(Object.keys(KERNEL_CONTRACTS));
    expect(cpuKernels.map((k) => k.name).filter((n) => !named.has(n))).toEqual([]);
    expect(PRIMITIVE_KERNELS.filter((n) => !named.has(n))).toEqual([]);
  });

  it('convert between positional and named inputs, with counts checked', () => {
    expect(inputNames('LSTMSequence')).toEqual(['xProj', 'wHh', 'h0', 'c0', 'mask']);
    expect(inputsOf('Gather', ['X', 'I'])).toEqual({ x: 'X', indices: 'I' });
    expect(inputList('Linear', { b: 3, x: 1, w: 2 })).toEqual([1, 2, 3]);
    // Optional trailing inputs (AdamUpdate's amsgrad state) may be absent.
    expect(inputsOf('AdamUpdate', [1, 2, 3, 4])).toEqual({ param: 1, grad: 2, expAvg: 3, expAvgSq: 4 });
    expect(inputList('AdamUpdate', { param: 1, grad: 2, expAvg: 3, expAvgSq: 4, maxExpAvgSq: 5 })).toEqual([1, 2, 3, 4, 5]);
    expect(() => inputsOf('Linear', [1, 2])).toThrow('Linear: expected 3 inputs (x, w, b), got 2');
    expect(() => inputsOf('AdamUpdate', [1])).toThrow('AdamUpdate: expected 4–5 inputs');
    expect(() => inputList('Linear', { x: 1, w: 2 } as never)).toThrow("Linear: input 'b' is missing");
    expect(() => inputsOf('Concat', [1, 2])).toThrow('kernel contract: Concat is variadic and has no named inputs');
  });

  it('runNamedKernel dispatches by name and names the outputs', () => {
    const before = memory().tensors;
    scope(() => {
      const [T, B, H] = [2, 1, 1];
      const { y, hN } = runNamedKernel('RNNSequence', {
        xProj: tensor([0.5, -0.25], [T, B, H], 'float64'), wHh: tensor([2], [H, H], 'float64'),
        h0: tensor([0], [B, H], 'float64'), mask: tensor([1, 1], [T, B], 'float64'),
      }, { nonlinearity: 'tanh' });
      const h1 = Math.tanh(0.5), h2 = Math.tanh(-0.25 + 2 * h1);
      expect(Array.from(y.dataSync())).toEqual([h1, h2]);
      expect(Array.from(hN.dataSync())).toEqual([h2]);
      expect(Object.keys(outputsOf('RNNSequence', [y, hN]))).toEqual(['y', 'hN']);
    });
    expect(memory().tensors).toBe(before);
  });
});
