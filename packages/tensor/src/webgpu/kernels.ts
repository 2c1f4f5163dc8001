/** Every WebGPU kernel, installed by `createWebGPUBackend()` (explicit registration, no side effects). */
import type { KernelConfig } from '../registry.js';
import type { WebGPUBackend } from './backend.js';
import { creationKernels } from './kernels/creation.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { gruKernels } from './kernels/fused-gru.js';
import { lstmKernels } from './kernels/fused-lstm.js';
import { rnnKernels } from './kernels/fused-rnn.js';
import { indexingKernels } from './kernels/indexing.js';
import { matmulKernels } from './kernels/matmul.js';
import { movementKernels } from './kernels/movement.js';
import { optimKernels } from './kernels/optim.js';
import { reduceKernels } from './kernels/reduce.js';

export const webgpuKernels: KernelConfig<string, WebGPUBackend>[] = [
  ...elementwiseKernels, ...reduceKernels, ...matmulKernels, ...movementKernels, ...indexingKernels, ...creationKernels,
  ...lstmKernels, ...gruKernels, ...rnnKernels, ...optimKernels,
];
