/**
 * Gradient rules of the fused recurrent kernels: backpropagation through time runs in the
 * backend's own `…Grad` kernel, fed with what the forward kernel emitted (gates, cells, y).
 */
import { runKernel, type Tensor } from '@recur/tensor';
import { defineGrad } from '../grad-registry.js';

/** Registers this family's gradient rules (called once by installGradRules). */
export function registerFusedRnnGrads(): void {
  // LSTMSequence in: xProj, wHh, h0, c0, mask; out: y, hN, cN, gates, cells.
  defineGrad('LSTMSequence', {
    save: () => ({ inputs: [1, 2, 3, 4], outputs: [0, 3, 4] }),
    backward: ([dy, dhN, dcN], s) => {
      let g: Tensor[] | undefined;
      const run = () => (g ??= runKernel('LSTMSequenceGrad', [
        dy!, dhN!, dcN!, s.inputs[1]!, s.inputs[2]!, s.inputs[3]!, s.inputs[4]!, s.outputs[3]!, s.outputs[4]!, s.outputs[0]!,
      ], {}));
      return [() => run()[0]!, () => run()[1]!, () => run()[2]!, () => run()[3]!, undefined];
    },
  });

  // GRUSequence in: xProj, wHh, bHh, h0, mask; out: y, hN, gates, hLin.
  defineGrad('GRUSequence', {
    save: () => ({ inputs: [1, 3, 4], outputs: [0, 2, 3] }),
    backward: ([dy, dhN], s) => {
      let g: Tensor[] | undefined;
      const run = () => (g ??= runKernel('GRUSequenceGrad', [
        dy!, dhN!, s.inputs[1]!, s.inputs[3]!, s.inputs[4]!, s.outputs[2]!, s.outputs[3]!, s.outputs[0]!,
      ], {}));
      return [() => run()[0]!, () => run()[1]!, () => run()[2]!, () => run()[3]!, undefined];
    },
  });

  // RNNSequence in: xProj, wHh, h0, mask; out: y, hN.
  defineGrad('RNNSequence', {
    save: () => ({ inputs: [1, 2, 3], outputs: [0] }),
    backward: ([dy, dhN], s) => {
      let g: Tensor[] | undefined;
      const run = () => (g ??= runKernel('RNNSequenceGrad', [
        dy!, dhN!, s.inputs[1]!, s.inputs[2]!, s.inputs[3]!, s.outputs[0]!,
      ], s.attrs));
      return [() => run()[0]!, () => run()[1]!, () => run()[2]!, undefined];
    },
  });
}
