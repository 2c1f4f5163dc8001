/**
 * The CPU backend's fast kernels: WebAssembly SIMD `BatchMatMul` and fused recurrent layers for
 * float32. They register under the same keys as the reference kernels (a later registration
 * replaces an earlier one) and fall back to the reference for other dtypes or without WebAssembly.
 */
import type { TensorInfo } from '../../backend.js';
import type { KernelConfig } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { fastElementwiseKernels } from '../fast-elementwise.js';
import { fusedRnnKernels } from '../fused/index.js';
import type { Nonlinearity } from '../fused/rnn-js.js';
import { gruBackwardWasm, gruForwardWasm } from './gru-wasm.js';
import { lstmBackwardWasm, lstmForwardWasm } from './lstm-wasm.js';
import { wasmMatmulKernels } from './matmul-wasm.js';
import { wasmOptimKernels } from './adam-wasm.js';
import { wasmDropoutKernels } from './dropout-wasm.js';
import { rnnBackwardWasm, rnnForwardWasm } from './rnn-wasm.js';
import { wasmRuntime, type WasmRuntime } from './runtime.js';

interface FusedAttrs { nonlinearity?: Nonlinearity; keepState?: boolean }
type Fast = (rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[], attrs: FusedAttrs) => TensorInfo[];

const FAST: Record<string, Fast> = {
  LSTMSequence: (rt, b, i, a) => lstmForwardWasm(rt, b, i, a.keepState ?? true),
  LSTMSequenceGrad: lstmBackwardWasm,
  GRUSequence: (rt, b, i, a) => gruForwardWasm(rt, b, i, a.keepState ?? true),
  GRUSequenceGrad: gruBackwardWasm,
  RNNSequence: (rt, b, i, a) => rnnForwardWasm(rt, b, i, a.nonlinearity ?? 'tanh'),
  RNNSequenceGrad: (rt, b, i, a) => rnnBackwardWasm(rt, b, i, a.nonlinearity ?? 'tanh'),
};

function fused(ref: KernelConfig<string, CpuBackend>): KernelConfig<string, CpuBackend> {
  const fast = FAST[ref.name]!;
  return {
    name: ref.name,
    backend: 'cpu',
    run: (args) => {
      const x = args.inputs[0]!;
      const rt = x.dtype === 'float32' && x.shape[0]! * x.shape[1]! * x.shape[2]! > 0 ? wasmRuntime() : null;
      if (!rt) return ref.run(args);
      return fast(rt, args.backend, args.inputs, args.attrs as FusedAttrs);
    },
  };
}

/** Fast float32 kernels, installed after `cpuKernels` by `createCpuBackend`. */
export const fastCpuKernels: KernelConfig<string, CpuBackend>[] = [
  ...fastElementwiseKernels,
  ...wasmMatmulKernels,
  ...wasmOptimKernels,
  ...wasmDropoutKernels,
  ...fusedRnnKernels.map(fused),
];

export { setCpuSimd, wasmRuntime, type WasmVariant } from './runtime.js';
export { getNumThreads, setNumThreads } from './threads.js';
export { setKernelChunkBytes } from './chunks.js';
