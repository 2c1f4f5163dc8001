/**
 * Kernel outputs that stay in a WebAssembly memory as tensor storage (shared memories only: their
 * views survive growth). The CPU backend frees the block when the tensor's storage is released.
 */
import type { TypedArray } from '../../dtype.js';

interface Owner { freeBlock(p: number): void }

const owners = new WeakMap<TypedArray, Owner>();
// A tensor dropped without dispose() takes its JS array with it when collected; a resident block
// must then be freed explicitly, or the kernel memory would only ever grow.
const collected = new FinalizationRegistry<{ owner: Owner; p: number }>(({ owner, p }) => owner.freeBlock(p));

/** Marks `view` (a whole heap block of `owner`) as tensor storage. */
export function markResident(view: Float32Array, owner: Owner): void {
  owners.set(view, owner);
  collected.register(view, { owner, p: view.byteOffset }, view);
}

/** The runtime holding `v`, when `v` is resident storage. */
export function residentOwner(v: TypedArray): Owner | undefined {
  return owners.get(v);
}

/** Frees `v`'s block if it is resident storage; false otherwise. */
export function releaseResident(v: TypedArray): boolean {
  const o = owners.get(v);
  if (!o) return false;
  owners.delete(v);
  collected.unregister(v);
  o.freeBlock(v.byteOffset);
  return true;
}
