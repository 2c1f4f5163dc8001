/**
 * Fused recurrent CPU kernels (`LSTMSequence`, `GRUSequence`, `RNNSequence` and their `…Grad`
 * twins). float32 runs in WebAssembly SIMD when the runtime has it; float64 (gradient checks) and
 * runtimes without WebAssembly take the JS path with the same results up to rounding.
 */
import type { TensorInfo } from '../../backend.js';
import type { KernelConfig } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { gruBackwardJs, gruForwardJs } from './gru-js.js';
import { lstmBackwardJs, lstmForwardJs } from './lstm-js.js';
import { rnnBackwardJs, rnnForwardJs, type Nonlinearity } from './rnn-js.js';

type Impl = (backend: CpuBackend, inputs: readonly TensorInfo[], act: Nonlinearity) => TensorInfo[];

/** Fast float32 implementations, installed by the WASM module loader when it is available. */
export const fastFused: Partial<Record<string, Impl>> = {};

function kernel(name: string, js: Impl): KernelConfig<string, CpuBackend> {
  return {
    name,
    backend: 'cpu',
    run: ({ inputs, attrs, backend }) => {
      const act = ((attrs as { nonlinearity?: Nonlinearity }).nonlinearity ?? 'tanh');
      const fast = inputs[0]!.dtype === 'float32' ? fastFused[name] : undefined;
      return (fast ?? js)(backend, inputs, act);
    },
  };
}

export const fusedRnnKernels: KernelConfig<string, CpuBackend>[] = [
  kernel('LSTMSequence', (b, i) => lstmForwardJs(b, i)),
  kernel('LSTMSequenceGrad', (b, i) => lstmBackwardJs(b, i)),
  kernel('GRUSequence', (b, i) => gruForwardJs(b, i)),
  kernel('GRUSequenceGrad', (b, i) => gruBackwardJs(b, i)),
  kernel('RNNSequence', rnnForwardJs),
  kernel('RNNSequenceGrad', rnnBackwardJs),
];
