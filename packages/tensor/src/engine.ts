/**
 * The engine: active backend, kernel dispatch, scopes and listeners. Autograd hears kernels through
 * `addKernelListener`; this package knows nothing about gradients.
 */
import type { Backend, TensorInfo } from './backend.js';
import type { DType, TypedArray } from './dtype.js';
import { bytesPerElement } from './dtype.js';
import { getKernel } from './registry.js';
import { fmt } from './shape.js';
import { Tensor, type TensorOwner } from './tensor.js';
import { installTensorMethods } from './tensor-methods.js';

export interface KernelEvent {
  name: string;
  inputs: readonly Tensor[];
  attrs: Readonly<Record<string, unknown>>;
  outputs: readonly Tensor[];
}
export type KernelListener = (e: KernelEvent) => void;
/**
 * Hears every tensor handle that goes away: a `Tensor` when disposed, or only its id when the
 * garbage collector reclaimed a handle that was dropped without `dispose()`.
 */
export type DisposeListener = (t: { readonly id: number }) => void;

export interface MemoryInfo {
  /** Live tensor handles. */
  tensors: number;
  /** Bytes of live storage on the active backend. */
  bytes: number;
  /** Live storage objects on the active backend. */
  buffers: number;
  backend: string;
  /** Handles dropped without `dispose()` that the garbage collector reclaimed so far (since start). */
  reclaimed: number;
}

/** What the finalizer needs to release a handle whose Tensor object is gone. */
interface Reclaim {
  id: number;
  dataId: object;
  backend: Backend;
}

type BackendFactory = () => Backend;

class Engine implements TensorOwner {
  backend: Backend | null = null;
  // Backends by name, created on first use; the package entry registers 'cpu' (the default).
  readonly factories = new Map<string, BackendFactory>();
  readonly instances = new Map<string, Backend>();
  private readonly scopes: Set<Tensor>[] = [];
  private readonly kernelListeners: KernelListener[] = [];
  private readonly disposeListeners: DisposeListener[] = [];
  private nextId = 1;
  liveTensors = 0;
  /** Depth of kernels running: ops that a kernel itself calls are not reported to listeners. */
  private kernelDepth = 0;
  seed = 0;
  randomCounter = 0;
  /** Handles reclaimed by the finalizer (leak checks compare it). */
  reclaimed = 0;
  /** Set by autograd: whether an op on these inputs is being recorded for a backward pass. */
  recordingHint: ((inputs: readonly Tensor[]) => boolean) | null = null;
  /** Release dropped handles when they are garbage-collected (see `setAutoRelease`). */
  autoRelease = true;
  // Handles that live outside every scope are registered here: when one becomes unreachable
  // without dispose(), its storage is released and listeners hear its id (autograd frees its node).
  private readonly finalizer = new FinalizationRegistry<Reclaim>((r) => this.reclaim(r));

  getBackend(): Backend {
    if (!this.backend) {
      const cpu = this.factories.get('cpu');
      if (!cpu) {
        throw new Error("getBackend: no backend is registered; import from '@recur/tensor' (its entry registers the CPU backend) or call registerBackend/setBackend first");
      }
      this.setBackend(cpu());
    }
    return this.backend!;
  }

  setBackend(b: Backend | string): void {
    if (typeof b === 'string') {
      const existing = this.instances.get(b);
      const factory = this.factories.get(b);
      if (!existing && !factory) {
        throw new Error(`setBackend: unknown backend '${b}' (create it first, e.g. await createWebGPUBackend())`);
      }
      this.backend = existing ?? factory!();
    } else {
      this.backend = b;
    }
    this.instances.set(this.backend.name, this.backend);
  }

  makeTensor(info: TensorInfo, backend: Backend): Tensor {
    const t = new Tensor(this.nextId++, [...info.shape], info.dtype, info.dataId, backend, this);
    this.liveTensors++;
    const top = this.scopes[this.scopes.length - 1];
    if (top) top.add(t);
    else this.releaseWhenDropped(t);
    return t;
  }

  /** Registers a handle that no scope owns with the finalizer (once). */
  releaseWhenDropped(t: Tensor): void {
    if (t.finalizable || !this.autoRelease) return;
    t.finalizable = true;
    this.finalizer.register(t, { id: t.id, dataId: t.dataId, backend: t.backend }, t);
  }

  private reclaim(r: Reclaim): void {
    this.liveTensors--;
    this.reclaimed++;
    for (const l of this.disposeListeners) l({ id: r.id });
    r.backend.release(r.dataId);
  }

  write(values: TypedArray, shape: readonly number[], dtype: DType): Tensor {
    const b = this.getBackend();
    return this.makeTensor({ dataId: b.write(values, shape, dtype), shape, dtype }, b);
  }

  /** Runs kernel `name` on the active backend, wraps and tracks its outputs, tells listeners. */
  dispatch(name: string, inputs: readonly Tensor[], attrs: object): Tensor[] {
    const backend = this.getBackend();
    for (const t of inputs) {
      t.assertAlive(name);
      if (t.backend !== backend) {
        throw new Error(`${name}: input ${fmt(t.shape)} lives on '${t.backend.name}', active backend is '${backend.name}'`);
      }
    }
    const kernel = getKernel(backend.name, name);
    if (!kernel) throw new Error(`${name}: no kernel registered for backend '${backend.name}'`);
    this.kernelDepth++;
    let infos: TensorInfo[];
    try {
      infos = kernel.run({ inputs, attrs: attrs as never, backend });
    } finally {
      this.kernelDepth--;
    }
    const outputs = infos.map((i) => this.makeTensor(i, backend));
    if (this.kernelDepth === 0 && this.kernelListeners.length > 0) {
      const event = { name, inputs, attrs: attrs as Record<string, unknown>, outputs };
      for (const l of this.kernelListeners) l(event);
    }
    return outputs;
  }

  disposeTensor(t: Tensor): void {
    if (t.disposed) return;
    t.disposed = true;
    if (t.finalizable) this.finalizer.unregister(t);
    this.liveTensors--;
    for (const s of this.scopes) s.delete(t);
    for (const l of this.disposeListeners) l(t);
    t.backend.release(t.dataId);
  }

  scope<T>(fn: () => T): T {
    const tracked = new Set<Tensor>();
    this.scopes.push(tracked);
    let result: T;
    try {
      result = fn();
      if (result instanceof Promise) {
        throw new Error('scope: the callback returned a Promise; scopes are synchronous (await outside them)');
      }
    } catch (e) {
      this.scopes.pop();
      for (const t of tracked) if (!t.kept) t.dispose();
      throw e;
    }
    this.scopes.pop();
    const keepers = new Set<Tensor>();
    collectTensors(result, keepers);
    const parent = this.scopes[this.scopes.length - 1];
    for (const t of tracked) {
      if (keepers.has(t)) {
        if (parent) parent.add(t);
        else this.releaseWhenDropped(t);
      } else if (!t.kept) t.dispose();
    }
    return result;
  }

  /** A second handle on `t`'s storage (refcount bump), kept outside every scope. */
  retainHandle(t: Tensor): Tensor {
    t.assertAlive('retain');
    t.backend.incRef(t.dataId);
    const h = new Tensor(this.nextId++, t.shape, t.dtype, t.dataId, t.backend, this);
    h.kept = true;
    this.liveTensors++;
    this.releaseWhenDropped(h);
    return h;
  }

  keep<T extends Tensor>(t: T): T {
    t.kept = true;
    for (const s of this.scopes) s.delete(t);
    this.releaseWhenDropped(t);
    return t;
  }

  addKernelListener(l: KernelListener): () => void {
    this.kernelListeners.push(l);
    return () => remove(this.kernelListeners, l);
  }

  addDisposeListener(l: DisposeListener): () => void {
    this.disposeListeners.push(l);
    return () => remove(this.disposeListeners, l);
  }

  memory(): MemoryInfo {
    const b = this.getBackend();
    return { tensors: this.liveTensors, ...b.memory(), backend: b.name, reclaimed: this.reclaimed };
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/** Finds tensors in a scope's result: a tensor, or arrays/plain objects/Maps holding tensors. */
function collectTensors(x: unknown, out: Set<Tensor>, depth = 0): void {
  if (depth > 8 || x === null || typeof x !== 'object') return;
  if (x instanceof Tensor) out.add(x);
  else if (Array.isArray(x)) for (const v of x) collectTensors(v, out, depth + 1);
  else if (x instanceof Map) for (const v of x.values()) collectTensors(v, out, depth + 1);
  else if (Object.getPrototypeOf(x) === Object.prototype) {
    for (const v of Object.values(x)) collectTensors(v, out, depth + 1);
  }
}

// One engine per process even if the package is loaded twice (source and dist): the engine and the
// kernel registry (registry.ts) live in the process-wide record. Tensor classes stay per copy, so
// a tensor that crosses copies is refused by name (see isTensorFromAnotherCopy).
const KEY = Symbol.for('@recur/tensor.engine');
const CLASSES = Symbol.for('@recur/tensor.tensorClasses');
const g = globalThis as unknown as Record<symbol, unknown>;
export const ENGINE: Engine = (g[KEY] as Engine | undefined) ?? (g[KEY] = new Engine()) as Engine;
const classes = ((g[CLASSES] as Set<Function> | undefined) ?? (g[CLASSES] = new Set<Function>())) as Set<Function>;
classes.add(Tensor);
installTensorMethods(Tensor.prototype);

/** True when `x` is a Tensor made by another loaded copy of this package. */
export function isTensorFromAnotherCopy(x: unknown): boolean {
  if (x === null || typeof x !== 'object' || x instanceof Tensor) return false;
  for (const C of classes) if (C !== Tensor && x instanceof C) return true;
  return false;
}

/** Size in bytes of a tensor's payload on the CPU. */
export function payloadBytes(size: number, dtype: DType): number {
  return size * bytesPerElement(dtype);
}
