/**
 * The WebGPU backend's storage: GPU buffers with reference counts, a buffer pool, batched command
 * submission, reads through staging buffers + `mapAsync`, memory accounting and device-loss handling.
 *
 * Storage layout: every element is 32 bits. float32 → f32, int32 → i32, bool → u32 (0 or 1), so
 * movement kernels copy raw words whatever the dtype. float64 is refused (WGSL has no f64).
 */
/// <reference types="@webgpu/types" />
import type { Backend, BackendMemory, DataId, TensorInfo } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { fmt, sizeOf } from '../shape.js';
import { PipelineCache } from './program.js';
import { fromWords, toWords } from './words.js';

/** Storage usage of every tensor buffer. */
const STORAGE = 0x80 | 0x04 | 0x08; // STORAGE | COPY_SRC | COPY_DST
const MAP_READ_COPY_DST = 0x01 | 0x08;

export class GpuData {
  refs = 1;
  /** `bytes` is the pooled buffer size; `elements` the tensor's element count (4 bytes each). */
  constructor(public buffer: GPUBuffer | null, readonly bytes: number, readonly elements: number) {}
}

/** Adapter description printed by the CLI (`recur train --backend webgpu`). */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
}

export interface WebGPUBackendLimits {
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupsPerDimension: number;
  /** Threads per workgroup and workgroup memory: the matmul picks its tile sizes from these. */
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupStorageSize: number;
  /** Byte alignment of a storage binding's offset (the fused step kernels bind time slices). */
  minStorageBufferOffsetAlignment: number;
}

/** Rounds a byte size to the pool's size class (multiples of 16 bytes, at least 16). */
export function poolSize(bytes: number): number {
  return Math.max(16, Math.ceil(bytes / 16) * 16);
}

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu';
  readonly synchronous = false;
  readonly pipelines: PipelineCache;
  /** Dispatches queued before an automatic submit. */
  batchSize = 64;
  /**
   * Running totals (tests, tuning, `pnpm bench --backend webgpu`): compute dispatches recorded,
   * command buffers submitted, bytes of storage bound by those dispatches (the sizes of the buffers
   * each dispatch binds: a proxy for device-memory traffic that counts each bound buffer once per
   * dispatch, not cache re-reads), bytes copied buffer to buffer on the device, bytes written from the
   * host (tensor uploads and uniforms) and bytes read back to it.
   */
  readonly stats = { dispatches: 0, submits: 0, boundBytes: 0, copyBytes: 0, uploadBytes: 0, readBytes: 0 };
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private queued = 0;
  /** Dispatches still to record without an automatic submit (see `encodeTogether`). */
  private held = 0;
  private readonly free = new Map<string, GPUBuffer[]>();
  /** Buffers released while commands using them are not yet submitted: pooled on the next submit. */
  private pendingFree: Array<[string, GPUBuffer]> = [];
  private liveBytes = 0;
  private liveBuffers = 0;
  /** Buffers derived from a tensor's storage (a weight's packed W_hhᵀ), freed with that storage. */
  private readonly derived = new Map<GpuData, Map<string, GPUBuffer>>();
  private derivedBytes = 0;
  private pooledBytes = 0;
  private lostInfo: string | null = null;
  private disposed = false;
  private gpuError: string | null = null;
  private readonly lostWaiters = new Set<(e: Error) => void>();
  /** Out-of-range flags raised by Gather/ScatterAdd: [gather, scatter, gather index, scatter index]. */
  private flags: GPUBuffer | null = null;
  private flagsDirty = false;

  constructor(
    readonly device: GPUDevice,
    readonly adapterInfo: AdapterSummary,
    readonly limits: WebGPUBackendLimits,
    /** The object from `create()` (Node) or `navigator.gpu`: referenced for the device's lifetime. */
    readonly gpu: GPU,
  ) {
    this.pipelines = new PipelineCache(device);
    void device.lost.then((info) => {
      this.lostInfo = `${info.reason ?? 'unknown'}: ${info.message || 'no message'}`;
      const err = this.lostError('pending read');
      for (const w of this.lostWaiters) w(err);
      this.lostWaiters.clear();
    });
    device.addEventListener?.('uncapturederror', (ev) => {
      const e = (ev as GPUUncapturedErrorEvent).error;
      this.gpuError ??= e?.message ?? String(e);
    });
  }

  /** True once the device is lost or destroyed; every later call throws. */
  get lost(): boolean {
    return this.lostInfo !== null || this.disposed;
  }

  private lostError(op: string): Error {
    const reason = this.disposed && !this.lostInfo ? 'backend disposed' : this.lostInfo;
    return new Error(`webgpu: device lost (${reason}) during ${op}; create a new backend with createWebGPUBackend()`);
  }

  /** Throws the device-lost error when the device is gone. */
  assertUsable(op: string): void {
    if (this.lost) throw this.lostError(op);
  }

  // ---- allocation -------------------------------------------------------------------------

  /** A pooled buffer of at least `bytes`; `op` and `shape` name the tensor in limit errors. */
  acquire(bytes: number, op: string, shape: readonly number[]): GPUBuffer {
    this.assertUsable(op);
    if (bytes > this.limits.maxStorageBufferBindingSize) {
      throw new Error(`webgpu: ${op}: tensor of shape ${fmt(shape)} needs ${bytes} bytes, above this device's ` +
        `maxStorageBufferBindingSize (${this.limits.maxStorageBufferBindingSize} bytes); split the work into smaller tensors`);
    }
    const size = poolSize(bytes);
    const key = `s${size}`;
    const list = this.free.get(key);
    const reused = list?.pop();
    if (reused) {
      this.pooledBytes -= size;
      return reused;
    }
    return this.device.createBuffer({ size, usage: STORAGE, label: `${op} ${fmt(shape)}` });
  }

  /** Output TensorInfo for a kernel: a pooled buffer to be filled by queued work. */
  makeOutput(op: string, shape: readonly number[], dtype: DType): TensorInfo {
    if (dtype === 'float64') {
      throw new Error(`webgpu: ${op}: float64 is not supported on WebGPU (WGSL has no f64); use float32`);
    }
    const bytes = sizeOf(shape) * 4;
    const buffer = this.acquire(bytes, op, shape);
    this.liveBytes += poolSize(bytes);
    this.liveBuffers++;
    return { dataId: new GpuData(buffer, poolSize(bytes), sizeOf(shape)), shape, dtype };
  }

  buffer(id: DataId): GPUBuffer {
    const d = id as GpuData;
    if (!d.buffer) throw new Error('webgpu: use of freed storage');
    return d.buffer;
  }

  // ---- Backend interface ------------------------------------------------------------------

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const info = this.makeOutput('write', shape, dtype);
    const words = toWords(values, dtype);
    if (words.byteLength > 0) this.device.queue.writeBuffer(this.buffer(info.dataId), 0, words);
    this.stats.uploadBytes += words.byteLength;
    return info.dataId;
  }

  async read(id: DataId, dtype: DType): Promise<TypedArray> {
    this.assertUsable('read');
    const d = id as GpuData;
    const src = this.buffer(id);
    const bytes = d.elements * 4;
    if (bytes === 0) return fromWords(new ArrayBuffer(0), dtype);
    const check = this.flagsDirty && this.flags !== null;
    this.flagsDirty = false;
    const flagOff = Math.ceil(bytes / 8) * 8; // getMappedRange offsets are 8-byte aligned
    const staging = this.device.createBuffer({ size: poolSize(flagOff + 16), usage: MAP_READ_COPY_DST, label: 'staging read' });
    this.copy(src, 0, staging, 0, bytes);
    if (check) this.copy(this.flags!, 0, staging, flagOff, 16);
    this.submit();
    let onLost!: (e: Error) => void;
    const lost = new Promise<never>((_, reject) => {
      onLost = reject;
      this.lostWaiters.add(reject);
    });
    try {
      await Promise.race([staging.mapAsync(1 /* GPUMapMode.READ */), lost]);
    } catch (e) {
      if (this.lost) throw this.lostError('read');
      throw e;
    } finally {
      this.lostWaiters.delete(onLost);
    }
    if (this.gpuError) {
      const msg = this.gpuError;
      this.gpuError = null;
      staging.destroy();
      throw new Error(`webgpu: a GPU command failed validation: ${msg}`);
    }
    const raw = staging.getMappedRange(0, bytes).slice(0);
    this.stats.readBytes += bytes;
    const flags = check ? new Int32Array(staging.getMappedRange(flagOff, 16).slice(0)) : null;
    staging.unmap();
    staging.destroy();
    if (flags && (flags[0] || flags[1])) {
      this.device.queue.writeBuffer(this.flags!, 0, new Uint32Array(4));
      const op = flags[0] ? 'gather' : 'scatterAdd';
      throw new Error(`webgpu: ${op}: index ${flags[0] ? flags[2] : flags[3]} is out of range (found on the GPU by an ` +
        `earlier ${op}; its out-of-range rows were ${flags[0] ? 'read as 0' : 'skipped'})`);
    }
    return fromWords(raw, dtype);
  }

  incRef(id: DataId): void {
    (id as GpuData).refs++;
  }

  release(id: DataId): boolean {
    const d = id as GpuData;
    if (--d.refs > 0 || !d.buffer) return false;
    this.liveBytes -= d.bytes;
    this.liveBuffers--;
    const derived = this.derived.get(d);
    if (derived) {
      for (const b of derived.values()) {
        this.derivedBytes -= b.size;
        this.recycle(b);
      }
      this.derived.delete(d);
    }
    this.recycle(d.buffer);
    d.buffer = null;
    return true;
  }

  /** Returns a storage buffer to the pool; queued commands may still read it, so only after they are submitted. */
  private recycle(buf: GPUBuffer): void {
    if (this.lost) return;
    if (this.encoder) this.pendingFree.push([`s${buf.size}`, buf]);
    else this.pool(`s${buf.size}`, buf);
  }

  /**
   * A buffer derived from `id`'s storage under `key` (e.g. a weight packed for a kernel): `fill`
   * records the commands that build it on the first request; later requests reuse it while the
   * storage lives, and freeing the storage frees it. Sound because tensor storage is never written
   * after the kernel that produced it (ops return fresh tensors, an optimizer step makes new
   * parameters): the storage object is the tensor's version, and a changed weight is new storage.
   * Keyed on the storage object, not the GPU buffer, which the pool hands to the next tensor.
   */
  derivedBuffer(id: DataId, key: string, bytes: number, fill: (out: GPUBuffer) => void): GPUBuffer {
    const d = id as GpuData;
    if (!d.buffer) throw new Error('webgpu: use of freed storage');
    let map = this.derived.get(d);
    const hit = map?.get(key);
    if (hit) return hit;
    const buf = this.acquire(bytes, key, [bytes / 4]);
    fill(buf);
    if (!map) this.derived.set(d, (map = new Map()));
    map.set(key, buf);
    this.derivedBytes += buf.size;
    return buf;
  }

  private pool(key: string, buf: GPUBuffer): void {
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(buf);
    this.pooledBytes += buf.size;
  }

  /**
   * Live tensor storage; pooled (reusable) buffers and buffers derived from live tensors (packed
   * weights, `derivedBytes`) are reported separately and are not leaks.
   */
  memory(): BackendMemory & { pooledBytes: number; derivedBytes: number; pipelines: number } {
    return {
      bytes: this.liveBytes, buffers: this.liveBuffers, pooledBytes: this.pooledBytes, derivedBytes: this.derivedBytes,
      pipelines: this.pipelines.size,
    };
  }

  /** Submits every queued command. */
  flush(): void {
    if (!this.lost) this.submit();
  }

  /** Drops pooled buffers (live tensors keep theirs). */
  trimPool(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.pooledBytes = 0;
  }

  /** Destroys pooled buffers and the device; the backend is unusable afterwards. */
  dispose(): void {
    if (this.disposed) return;
    if (!this.lost) this.submit();
    this.disposed = true;
    this.trimPool();
    this.flags?.destroy();
    for (const [, b] of this.pendingFree) b.destroy();
    this.pendingFree = [];
    this.device.destroy();
  }

  /** The out-of-range flag buffer bound by Gather/ScatterAdd; checked by the next read. */
  indexFlags(): GPUBuffer {
    this.flags ??= this.device.createBuffer({ size: 16, usage: STORAGE, label: 'index flags' });
    this.flagsDirty = true;
    return this.flags;
  }

  // ---- command encoding -------------------------------------------------------------------

  /** The open compute pass (opened on demand); callers record one dispatch each. */
  computePass(): GPUComputePassEncoder {
    this.assertUsable('dispatch');
    this.encoder ??= this.device.createCommandEncoder();
    this.pass ??= this.encoder.beginComputePass();
    return this.pass;
  }

  /** Counts a recorded dispatch (and the storage bytes it binds); submits every `batchSize` dispatches. */
  dispatched(boundBytes = 0): void {
    this.stats.dispatches++;
    this.stats.boundBytes += boundBytes;
    this.queued++;
    if (this.held > 0) {
      this.held--;
      return;
    }
    if (this.queued >= this.batchSize) this.submit();
  }

  /**
   * Keeps the next `count` dispatches (a recurrent kernel's whole time loop) in one command buffer:
   * what is queued is submitted first when the loop would not fit in the current batch, and no
   * automatic submit cuts the loop (capped at 8,192 dispatches).
   */
  encodeTogether(count: number): void {
    const n = Math.min(count, 8192);
    if (this.queued > 0 && this.queued + n > this.batchSize) this.submit();
    this.held = n;
  }

  /** Records a buffer-to-buffer copy (closes the open compute pass). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.assertUsable('copy');
    if (bytes === 0) return;
    this.endPass();
    this.encoder ??= this.device.createCommandEncoder();
    this.encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    this.stats.copyBytes += bytes;
  }

  /** A uniform buffer holding `data`, freed after the next submit. */
  uniformBuffer(data: ArrayBuffer): GPUBuffer {
    const size = poolSize(data.byteLength);
    const key = `u${size}`;
    // Pooled uniform buffers were last used by submitted work, so writeBuffer cannot race them.
    const buf = this.free.get(key)?.pop() ??
      this.device.createBuffer({ size, usage: 0x40 | 0x08 /* UNIFORM | COPY_DST */, label: 'uniforms' });
    this.device.queue.writeBuffer(buf, 0, data);
    this.stats.uploadBytes += data.byteLength;
    this.pendingFree.push([key, buf]);
    return buf;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private submit(): void {
    this.endPass();
    if (this.encoder) {
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
      this.stats.submits++;
    }
    this.queued = 0;
    this.held = 0;
    for (const [key, buf] of this.pendingFree) {
      if (key.startsWith('u')) {
        let list = this.free.get(key);
        if (!list) this.free.set(key, (list = []));
        list.push(buf);
      } else this.pool(key, buf);
    }
    this.pendingFree = [];
  }
}
