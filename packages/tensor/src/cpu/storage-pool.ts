/**
 * Recycles the CPU backend's large typed arrays. A fresh multi-megabyte array costs page faults and
 * kernel zeroing (≈1.3 ms for 6.5 MB on the build machine, 3× a copy into a reused array), and a
 * training step allocates the same sizes every time (gates, projections, gradients), so storage
 * released by the backend goes to per-(type, length) free lists and the next allocation of that
 * size takes it. Only arrays the backend owns alone enter the pool (see CpuBackend.release).
 */
import type { TypedArray } from '../dtype.js';

type Ctor = Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor | Float64ArrayConstructor;

/** Arrays below this many bytes are cheap to allocate; pooling them would only add bookkeeping. */
const MIN_BYTES = 64 * 1024;

let limit = 256 * 2 ** 20;
let held = 0;
const free = new Map<Ctor, Map<number, TypedArray[]>>();
/** Pooled arrays, least recently released first (a Set keeps insertion order). */
const order = new Set<TypedArray>();

/** An array of `n` elements: recycled when one of that size is pooled, else fresh. */
export function takeArray<T extends TypedArray>(ctor: Ctor, n: number, zero: boolean): T {
  if (n * ctor.BYTES_PER_ELEMENT >= MIN_BYTES) {
    const a = free.get(ctor)?.get(n)?.pop();
    if (a) {
      order.delete(a);
      held -= a.byteLength;
      if (zero) a.fill(0);
      return a as T;
    }
  }
  return new ctor(n) as T;
}

/** Hands `a` to the pool; false when it is too small, a view, or the pool is full. */
export function giveArray(a: TypedArray): boolean {
  if (a.byteLength < MIN_BYTES || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return false;
  if (!(a.buffer instanceof ArrayBuffer) || a.byteLength > limit) return false;
  // Over the limit, the least recently released arrays go first (sizes that stopped recurring,
  // e.g. another sequence length, must not pin the pool).
  for (const old of order) {
    if (held + a.byteLength <= limit) break;
    listFor(old).splice(listFor(old).indexOf(old), 1);
    order.delete(old);
    held -= old.byteLength;
  }
  listFor(a).push(a);
  order.add(a);
  held += a.byteLength;
  return true;
}

function listFor(a: TypedArray): TypedArray[] {
  const ctor = a.constructor as Ctor;
  let bySize = free.get(ctor);
  if (!bySize) free.set(ctor, (bySize = new Map()));
  let list = bySize.get(a.length);
  if (!list) bySize.set(a.length, (list = []));
  return list;
}

/**
 * Bytes of released CPU storage the pool holds for reuse (not counted in `memory().bytes`).
 *
 * @example
 * import { pooledBytes } from '@recur/tensor';
 * console.log(`${(pooledBytes() / 2 ** 20).toFixed(1)} MiB cached`);
 */
export function pooledBytes(): number {
  return held;
}

/**
 * Drops every pooled array (the garbage collector then returns the memory) and sets the most the
 * pool may hold; 0 turns pooling off. Like PyTorch's `torch.cuda.empty_cache()`.
 *
 * @example
 * import { emptyCpuCache } from '@recur/tensor';
 * emptyCpuCache();            // release what the pool holds
 * emptyCpuCache(0);           // and stop pooling
 */
export function emptyCpuCache(maxBytes = limit): void {
  free.clear();
  order.clear();
  held = 0;
  limit = Math.max(0, maxBytes);
}
