/**
 * The default backend's wiring, shared by the package's entries (the main entry and the test
 * setup): the CPU backend by name, created on first use. Not part of the core: the engine knows no
 * backend, and a program that only loads another backend never runs this.
 */
import { createCpuBackend } from './cpu/index.js';
import { ENGINE } from './engine.js';

/** Makes 'cpu' the default backend unless a backend by that name is already registered. */
export function registerDefaultBackend(): void {
  if (!ENGINE.factories.has('cpu')) ENGINE.factories.set('cpu', createCpuBackend);
}
