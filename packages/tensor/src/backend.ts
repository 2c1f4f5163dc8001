/**
 * The backend interface is deliberately small: storage and memory only. Kernels are not methods;
 * they live in the registry so a backend can grow kernel by kernel. Reading is asynchronous by
 * contract (`read`); `readSync` exists only where the storage is host memory.
 */
import type { DType, TypedArray } from './dtype.js';

/** Opaque handle to a backend's storage for one tensor. */
export type DataId = object;

/** What a kernel sees of a tensor: storage plus metadata. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export interface BackendMemory {
  /** Bytes held by live storage. */
  bytes: number;
  /** Live storage objects (typed arrays or GPU buffers). */
  buffers: number;
}

export interface Backend {
  readonly name: string;
  /** True when `readSync` is available (host memory). */
  readonly synchronous: boolean;
  /** Stores a copy of `values` and returns its handle (refcount 1). */
  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId;
  /** Resolves with a copy of the data, in the dtype's typed array. */
  read(id: DataId, dtype: DType): Promise<TypedArray>;
  readSync?(id: DataId, dtype: DType): TypedArray;
  incRef(id: DataId): void;
  /** Drops one reference; returns true when the storage was freed. */
  release(id: DataId): boolean;
  memory(): BackendMemory;
  /** Submits queued work (GPU backends batch command buffers). */
  flush?(): void;
  dispose(): void;
}
