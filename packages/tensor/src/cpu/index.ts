/** The CPU backend: storage plus its kernel list, installed by explicit call. */
import { registerKernels, type KernelConfig } from '../registry.js';
import { CpuBackend } from './cpu-backend.js';
import { creationKernels } from './creation.js';
import { elementwiseKernels } from './elementwise.js';
import { fusedRnnKernels } from './fused/index.js';
import { indexingKernels } from './indexing.js';
import { matmulKernels } from './matmul.js';
import { movementKernels } from './movement.js';
import { reduceKernels } from './reduce.js';

export { CpuBackend } from './cpu-backend.js';
export { matMulImpl } from './matmul.js';
export { binaryImpl, unaryImpl, walkBroadcast } from './elementwise.js';
export { reduceImpl, reducedShape } from './reduce.js';

/** Every CPU kernel (primitives plus the fused recurrent layers); other backends reuse entries as fallbacks. */
export const cpuKernels: KernelConfig<string, CpuBackend>[] = [
  ...elementwiseKernels, ...reduceKernels, ...matmulKernels, ...movementKernels, ...indexingKernels,
  ...creationKernels, ...fusedRnnKernels,
];

/**
 * Creates the CPU backend and installs its kernels.
 *
 * @example
 * setBackend(createCpuBackend());
 */
export function createCpuBackend(): CpuBackend {
  registerKernels(cpuKernels as KernelConfig<string, never>[]);
  return new CpuBackend();
}
