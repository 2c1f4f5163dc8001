/**
 * Fused recurrent CPU kernels (`LSTMSequence`, `GRUSequence`, `RNNSequence` and their `…Grad`
 * twins) on typed arrays: the reference path, used for float64 and without WebAssembly. The
 * WebAssembly versions (../wasm) replace these registrations for float32. Inputs are read by name
 * and attrs typed through each kernel's contract (kernel-contracts.ts).
 */
import { inputsOf } from '../../kernel-contracts.js';
import { defineKernel, type KernelConfig } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { gruBackwardJs, gruForwardJs } from './gru-js.js';
import { lstmBackwardJs, lstmForwardJs } from './lstm-js.js';
import { rnnBackwardJs, rnnForwardJs } from './rnn-js.js';

export const fusedRnnKernels: KernelConfig<string, CpuBackend>[] = [
  defineKernel<'LSTMSequence', CpuBackend>('LSTMSequence', 'cpu', ({ inputs, backend }) => lstmForwardJs(backend, inputsOf('LSTMSequence', inputs))),
  defineKernel<'LSTMSequenceGrad', CpuBackend>('LSTMSequenceGrad', 'cpu', ({ inputs, backend }) => lstmBackwardJs(backend, inputsOf('LSTMSequenceGrad', inputs))),
  defineKernel<'GRUSequence', CpuBackend>('GRUSequence', 'cpu', ({ inputs, backend }) => gruForwardJs(backend, inputsOf('GRUSequence', inputs))),
  defineKernel<'GRUSequenceGrad', CpuBackend>('GRUSequenceGrad', 'cpu', ({ inputs, backend }) => gruBackwardJs(backend, inputsOf('GRUSequenceGrad', inputs))),
  defineKernel<'RNNSequence', CpuBackend>('RNNSequence', 'cpu', ({ inputs, attrs, backend }) =>
    rnnForwardJs(backend, inputsOf('RNNSequence', inputs), attrs.nonlinearity ?? 'tanh')),
  defineKernel<'RNNSequenceGrad', CpuBackend>('RNNSequenceGrad', 'cpu', ({ inputs, attrs, backend }) =>
    rnnBackwardJs(backend, inputsOf('RNNSequenceGrad', inputs), attrs.nonlinearity ?? 'tanh')),
];
