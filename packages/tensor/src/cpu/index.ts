/** The CPU backend: storage plus its kernel list, installed by explicit call. */
import { registerKernels, type KernelConfig } from '../registry.js';
import { CpuBackend } from './cpu-backend.js';
import { creationKernels } from './creation.js';
import { elementwiseKernels } from './elementwise.js';
import { fusedRnnKernels } from './fused/index.js';
import { indexingKernels } from './indexing.js';
import { matmulKernels } from './matmul.js';
import { movementKernels } from './movement.js';
import { optimKernels } from './optim.js';
import { dropoutKernel } from './dropout.js';
import { reduceKernels } from './reduce.js';
import { takeArray } from './storage-pool.js';
import { setArrayAllocator } from '../dtype.js';
import { fastCpuKernels } from './wasm/index.js';

export { CpuBackend } from './cpu-backend.js';
export { matMulImpl } from './matmul.js';
export { binaryImpl, unaryImpl, walkBroadcast } from './elementwise.js';
export { reduceImpl, reducedShape } from './reduce.js';
export { fastCpuKernels, getNumThreads, setCpuSimd, setKernelChunkBytes, setNumThreads, type WasmVariant } from './wasm/index.js';
export { emptyCpuCache, pooledBytes } from './storage-pool.js';

/**
 * The CPU reference kernels (primitives, the fused recurrent layers and the fused Adam step) in
 * plain TypeScript; other backends reuse entries as fallbacks. `fastCpuKernels` override some of
 * them for float32.
 */
export const cpuKernels: KernelConfig<string, CpuBackend>[] = [
  ...elementwiseKernels, ...reduceKernels, ...matmulKernels, ...movementKernels, ...indexingKernels,
  ...creationKernels, ...fusedRnnKernels, ...optimKernels, dropoutKernel as KernelConfig<string, CpuBackend>,
];

/**
 * Creates the CPU backend and installs its kernels: the reference list, then the WebAssembly SIMD
 * overrides (same keys; they fall back to the reference where WebAssembly is unavailable).
 *
 * @example
 * setBackend(createCpuBackend());
 */
export function createCpuBackend(): CpuBackend {
  setArrayAllocator(takeArray);
  registerKernels(cpuKernels as KernelConfig<string, never>[], { override: true });
  registerKernels(fastCpuKernels as KernelConfig<string, never>[], { override: true });
  return new CpuBackend();
}
