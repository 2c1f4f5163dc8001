/**
 * Fused recurrent CPU kernels (`LSTMSequence`, `GRUSequence`, `RNNSequence` and their `…Grad`
 * twins) on typed arrays: the reference path, used for float64 and without WebAssembly. The
 * WebAssembly versions (../wasm) replace these registrations for float32.
 */
import type { KernelConfig } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { gruBackwardJs, gruForwardJs } from './gru-js.js';
import { lstmBackwardJs, lstmForwardJs } from './lstm-js.js';
import { rnnBackwardJs, rnnForwardJs, type Nonlinearity } from './rnn-js.js';

const act = (attrs: unknown): Nonlinearity => (attrs as { nonlinearity?: Nonlinearity }).nonlinearity ?? 'tanh';

export const fusedRnnKernels: KernelConfig<string, CpuBackend>[] = [
  { name: 'LSTMSequence', backend: 'cpu', run: ({ inputs, backend }) => lstmForwardJs(backend, inputs) },
  { name: 'LSTMSequenceGrad', backend: 'cpu', run: ({ inputs, backend }) => lstmBackwardJs(backend, inputs) },
  { name: 'GRUSequence', backend: 'cpu', run: ({ inputs, backend }) => gruForwardJs(backend, inputs) },
  { name: 'GRUSequenceGrad', backend: 'cpu', run: ({ inputs, backend }) => gruBackwardJs(backend, inputs) },
  { name: 'RNNSequence', backend: 'cpu', run: ({ inputs, attrs, backend }) => rnnForwardJs(backend, inputs, act(attrs)) },
  { name: 'RNNSequenceGrad', backend: 'cpu', run: ({ inputs, attrs, backend }) => rnnBackwardJs(backend, inputs, act(attrs)) },
];
