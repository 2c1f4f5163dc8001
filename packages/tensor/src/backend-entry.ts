/**
 * @recur/tensor/backend — what backend and kernel authors need and model code does not: the kernel
 * registry, the kernel names and their typed contracts, the CPU backend class, its reference kernel
 * list and pure `*Impl` functions, and the elementwise and random tables shared with WGSL.
 * Everyday code (ops, tensors, scopes, choosing a backend) imports from `@recur/tensor`.
 *
 * @example
 * import { registerKernel, type KernelConfig } from '@recur/tensor/backend';
 * import { createCpuBackend, registerBackend } from '@recur/tensor';
 * registerBackend('cpu-traced', () => createCpuBackend());
 * const relu: KernelConfig<'Relu'> = { name: 'Relu', backend: 'cpu-traced', run: ({ inputs }) => myRelu(inputs) };
 * registerKernel(relu);
 */
export * as kernels from './kernel-names.js';
export type { ReduceAttrs, RandomAttrs, AdamUpdateAttrs, DropoutAttrs } from './kernel-names.js';
export {
  KERNEL_CONTRACTS, inputsOf, outputsOf, inputList, outputList, inputNames, outputNames,
  type KernelContract, type KernelName, type KernelSpecs, type InputNames, type OutputNames, type InputKey, type OutputKey,
  type Named, type KernelInputs, type KernelOutputs,
} from './kernel-contracts.js';
export { runNamedKernel } from './ops/op-utils.js';
export { PRIMITIVE_KERNELS, NON_DIFFERENTIABLE } from './kernel-names.js';
export { defineKernel, registerKernel, registerKernels, getKernel, hasKernel, unregisterKernel, listMissingKernels } from './registry.js';
export type { KernelConfig, KernelArgs, RegisterOptions } from './registry.js';
export { allocFor, bytesPerElement } from './dtype.js';
export { broadcastStrides, stridesOf } from './shape.js';
export { UNARY_TABLE, BINARY_TABLE, WGSL_ELEMENTWISE_HELPERS } from './elementwise-table.js';
export { hashU32, uniformAt, normalAt, WGSL_RANDOM } from './random.js';
export {
  CpuBackend, cpuKernels, fastCpuKernels, setKernelChunkBytes, matMulImpl, binaryImpl, unaryImpl, reduceImpl, reducedShape,
} from './cpu/index.js';
