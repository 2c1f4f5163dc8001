/** The CPU backend's storage: typed arrays with reference counts (reshape shares storage). */
import type { Backend, BackendMemory, DataId, TensorInfo } from '../backend.js';
import { type DType, type TypedArray, allocFor, allocUninit } from '../dtype.js';
import { giveArray } from './storage-pool.js';
import { releaseResident } from './wasm/resident.js';

// How many storages own each array (a kernel returning its input adopts it twice): the array is
// recycled (WebAssembly-resident block freed, or JS array pooled) only when the last one is released.
const owners = new WeakMap<TypedArray, number>();

class CpuData {
  refs = 1;
  constructor(public values: TypedArray | null) {}
}

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly synchronous = true;
  private bytes = 0;
  private buffers = 0;

  write(values: TypedArray, _shape: readonly number[], dtype: DType): DataId {
    const copy = allocUninit(dtype, values.length);
    copy.set(values);
    return this.adopt(copy);
  }

  /** Takes ownership of `values` without copying (kernels use this for their outputs). */
  adopt(values: TypedArray): DataId {
    this.bytes += values.byteLength;
    this.buffers++;
    owners.set(values, (owners.get(values) ?? 0) + 1);
    return new CpuData(values);
  }

  /** A kernel output as a TensorInfo, owning `values`. */
  out(values: TypedArray, shape: readonly number[], dtype: DType): TensorInfo {
    return { dataId: this.adopt(values), shape, dtype };
  }

  /** Zero-copy view of storage for kernels; never hand it to users. */
  values(id: DataId): TypedArray {
    const d = id as CpuData;
    if (!d.values) throw new Error('cpu: read of freed storage');
    return d.values;
  }

  async read(id: DataId, dtype: DType): Promise<TypedArray> {
    return this.readSync(id, dtype);
  }

  readSync(id: DataId, dtype: DType): TypedArray {
    const v = this.values(id);
    const copy = allocUninit(dtype, v.length);
    copy.set(v);
    return copy;
  }

  incRef(id: DataId): void {
    (id as CpuData).refs++;
  }

  release(id: DataId): boolean {
    const d = id as CpuData;
    if (--d.refs > 0 || !d.values) return false;
    this.bytes -= d.values.byteLength;
    this.buffers--;
    const v = d.values;
    d.values = null;
    const n = (owners.get(v) ?? 1) - 1;
    if (n > 0) {
      owners.set(v, n);
    } else {
      owners.delete(v);
      if (!releaseResident(v)) giveArray(v);
    }
    return true;
  }

  memory(): BackendMemory {
    return { bytes: this.bytes, buffers: this.buffers };
  }

  dispose(): void {
    // Storage is garbage-collected memory; nothing to tear down.
  }
}
