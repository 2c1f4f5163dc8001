/**
 * Gradient rules of the fused recurrent kernels: backpropagation through time runs in the
 * backend's own `…Grad` kernel, fed with what the forward kernel emitted (gates, cells, y). The
 * rules are written by name against the kernels' contracts (`KERNEL_CONTRACTS`).
 */
import type { Tensor } from '@recur/tensor';
import { runNamedKernel, type KernelName, type KernelOutputs } from '@recur/tensor/backend';
import { defineNamedGrad } from '../named-grad.js';

/** Runs `run` at most once, on the first thunk that needs its outputs. */
function once<N extends KernelName>(run: () => KernelOutputs<N, Tensor>): () => KernelOutputs<N, Tensor> {
  let out: KernelOutputs<N, Tensor> | undefined;
  return () => (out ??= run());
}

/** Registers this family's gradient rules (called once by installGradRules). */
export function registerFusedRnnGrads(): void {
  defineNamedGrad('LSTMSequence', {
    save: { inputs: ['wHh', 'h0', 'c0', 'mask'], outputs: ['y', 'gates', 'cells'] },
    backward: ({ y: dy, hN: dhN, cN: dcN }, { inputs, outputs }) => {
      const g = once(() => runNamedKernel('LSTMSequenceGrad', { dy, dhN, dcN, ...inputs, ...outputs }, {}));
      return { xProj: () => g().dxProj, wHh: () => g().dwHh, h0: () => g().dh0, c0: () => g().dc0 };
    },
  });

  defineNamedGrad('GRUSequence', {
    save: { inputs: ['wHh', 'h0', 'mask'], outputs: ['y', 'gates', 'hLin'] },
    backward: ({ y: dy, hN: dhN }, { inputs, outputs }) => {
      const g = once(() => runNamedKernel('GRUSequenceGrad', { dy, dhN, ...inputs, ...outputs }, {}));
      return { xProj: () => g().dxProj, wHh: () => g().dwHh, bHh: () => g().dbHh, h0: () => g().dh0 };
    },
  });

  defineNamedGrad('RNNSequence', {
    save: { inputs: ['wHh', 'h0', 'mask'], outputs: ['y'] },
    backward: ({ y: dy, hN: dhN }, { inputs, outputs, attrs }) => {
      const g = once(() => runNamedKernel('RNNSequenceGrad', { dy, dhN, ...inputs, ...outputs }, attrs));
      return { xProj: () => g().dxProj, wHh: () => g().dwHh, h0: () => g().dh0 };
    },
  });
}
