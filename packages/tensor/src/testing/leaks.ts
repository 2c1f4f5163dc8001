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
  return { tensors: memory().tensors, buffers: m.buffers, bytes: m.bytes, backend };
}

/** Live tensors and buffers created since `snap` (0 and 0 when nothing leaked). */
export function leakedSince(snap: LeakSnapshot): { tensors: number; buffers: number; bytes: number } {
  const m = snap.backend.memory();
  return { tensors: memory().tensors - snap.tensors, buffers: m.buffers - snap.buffers, bytes: m.bytes - snap.bytes };
}

/** Throws when tensors or backend buffers outlive the snapshot, naming the counts. */
export function expectNoLeaks(snap: LeakSnapshot, label = 'leak check'): void {
  const d = leakedSince(snap);
  if (d.tensors !== 0 || d.buffers !== 0) {
    throw new Error(
      `${label}: ${d.tensors} tensor(s) and ${d.buffers} '${snap.backend.name}' buffer(s) (${d.bytes} bytes) ` +
      `outlived the test (before: ${snap.tensors} tensors, ${snap.buffers} buffers); dispose them or use scope()`,
    );
  }
}
