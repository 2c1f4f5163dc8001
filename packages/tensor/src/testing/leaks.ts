/**
 * Leak checks for tests: snapshot the live tensor count and the backend's live buffers, then assert
 * both are back to the snapshot (tfjs engine_test habit). The setup file runs this around every test.
 */
import type { Backend } from '../backend.js';
import { getBackend, memory } from '../engine-api.js';

export interface LeakSnapshot {
  tensors: number;
  buffers: number;
  bytes: number;
  /** Handles the garbage collector had reclaimed (dropped without dispose) at the snapshot. */
  reclaimed: number;
  /** The backend whose buffers were counted (checked again even if the active one changed). */
  backend: Backend;
}

/**
 * Records live tensors and the active backend's buffers.
 *
 * @example
 * const snap = trackLeaks();
 * scope(() => add(a, b));
 * expectNoLeaks(snap);
 */
export function trackLeaks(): LeakSnapshot {
  const backend = getBackend();
  const m = backend.memory();
  const mem = memory();
  return { tensors: mem.tensors, buffers: m.buffers, bytes: m.bytes, reclaimed: mem.reclaimed, backend };
}

/** Live tensors and buffers created since `snap` (0 and 0 when nothing leaked). */
export function leakedSince(snap: LeakSnapshot): { tensors: number; buffers: number; bytes: number; reclaimed: number } {
  const m = snap.backend.memory();
  const mem = memory();
  return { tensors: mem.tensors - snap.tensors, buffers: m.buffers - snap.buffers, bytes: m.bytes - snap.bytes, reclaimed: mem.reclaimed - snap.reclaimed };
}

/**
 * Throws when tensors or backend buffers outlive the snapshot, naming the counts. A handle dropped
 * without dispose that the garbage collector already reclaimed counts as a leak too.
 */
export function expectNoLeaks(snap: LeakSnapshot, label = 'leak check'): void {
  const d = leakedSince(snap);
  if (d.reclaimed !== 0) {
    throw new Error(`${label}: ${d.reclaimed} tensor(s) were dropped without dispose() and reclaimed by the garbage collector; dispose them or use scope()`);
  }
  if (d.tensors !== 0 || d.buffers !== 0) {
    throw new Error(
      `${label}: ${d.tensors} tensor(s) and ${d.buffers} '${snap.backend.name}' buffer(s) (${d.bytes} bytes) ` +
      `outlived the test (before: ${snap.tensors} tensors, ${snap.buffers} buffers); dispose them or use scope()`,
    );
  }
}
