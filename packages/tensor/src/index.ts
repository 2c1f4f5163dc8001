/**
 * @recur/tensor — tensors, primitive kernels, the engine (scopes, listeners) and the CPU backend.
 *
 * @example
 * import { tensor, matMul, scope } from '@recur/tensor';
 * const y = scope(() => matMul(tensor([[1, 2]]), tensor([[3], [4]])));
 * console.log(await y.array()); // [[11]]
 */
export { Tensor } from './tensor.js';
export type { TensorMethods } from './tensor-methods.js';
export type { DType, TypedArray, NestedArray } from './dtype.js';
export { allocFor, bytesPerElement, isFloat } from './dtype.js';
export type { Backend, BackendMemory, DataId, TensorInfo } from './backend.js';
export type { KernelEvent, KernelListener, DisposeListener, MemoryInfo } from './engine.js';
export * from './engine-api.js';
export * as kernels from './kernel-names.js';
export type { KernelName, KernelSpecs, ReduceAttrs, RandomAttrs, AdamUpdateAttrs, DropoutAttrs } from './kernel-names.js';
export { PRIMITIVE_KERNELS, NON_DIFFERENTIABLE } from './kernel-names.js';
export { registerKernel, registerKernels, getKernel, hasKernel, unregisterKernel, listMissingKernels } from './registry.js';
export type { KernelConfig, KernelArgs, RegisterOptions } from './registry.js';
export { broadcastShapes, broadcastStrides, sizeOf, stridesOf, fmt as formatShape, normalizeAxes } from './shape.js';
export { UNARY_TABLE, BINARY_TABLE, WGSL_ELEMENTWISE_HELPERS } from './elementwise-table.js';
export { hashU32, uniformAt, normalAt, WGSL_RANDOM } from './random.js';
export { createCpuBackend, CpuBackend, cpuKernels, fastCpuKernels, setCpuSimd, setKernelChunkBytes, setNumThreads, getNumThreads, emptyCpuCache, pooledBytes, matMulImpl, binaryImpl, unaryImpl, reduceImpl, reducedShape } from './cpu/index.js';
export type { WasmVariant } from './cpu/index.js';

// The default backend comes from the entry, not the engine: the core (engine, dtype, ops) imports
// no backend. This call is the entry's one side effect (declared in package.json `sideEffects`).
import { registerDefaultBackend } from './default-backend.js';
registerDefaultBackend();
export * from './ops/creation.js';
export * from './ops/elementwise.js';
export * from './ops/reduce.js';
export * from './ops/movement.js';
export * from './ops/matmul.js';
export { linear } from './ops/linear.js';
export { dropout } from './ops/dropout.js';
export * from './ops/indexing.js';
export * from './ops/nn.js';
export { composite as opScope } from './ops/op-utils.js';
export * from './ops/rnn-sequence.js';
export { lstmStep, gruStep, rnnStep, type LstmStepResult, type GruStepResult, type Nonlinearity } from './ops/rnn-steps.js';
export { adamUpdate, type AdamState, type AdamUpdateOptions, type AdamUpdateResult } from './ops/optim.js';
