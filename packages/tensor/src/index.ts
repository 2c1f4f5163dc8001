/**
 * @recur/tensor — tensors, ops, the engine (scopes, listeners) and backends (the CPU one by
 * default). Kernel and backend authors find the registry and kernel tables in `@recur/tensor/backend`.
 *
 * @example
 * import { tensor, matMul, scope } from '@recur/tensor';
 * const y = scope(() => matMul(tensor([[1, 2]]), tensor([[3], [4]])));
 * console.log(await y.array()); // [[11]]
 */
export { Tensor } from './tensor.js';
export type { TensorMethods } from './tensor-methods.js';
export type { DType, TypedArray, NestedArray } from './dtype.js';
export { isFloat } from './dtype.js';
export type { Backend, BackendMemory, DataId, TensorInfo } from './backend.js';
export type { KernelEvent, KernelListener, DisposeListener, MemoryInfo } from './engine.js';
export * from './engine-api.js';
export { broadcastShapes, sizeOf, fmt as formatShape, normalizeAxes } from './shape.js';
export { createCpuBackend, setCpuSimd, setNumThreads, getNumThreads, emptyCpuCache, pooledBytes } from './cpu/index.js';
export type { WasmVariant } from './cpu/index.js';
// Backend-author internals (kernel registry, kernel names and tables, CpuBackend, cpuKernels,
// *Impl functions) live in the '@recur/tensor/backend' entry (backend-entry.ts).

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
