/** Public functions over the engine: backends, scopes, memory, listeners and the global seed. */
import type { Backend } from './backend.js';
import { ENGINE, type DisposeListener, type KernelListener, type MemoryInfo } from './engine.js';
import type { Tensor } from './tensor.js';

/**
 * Makes `backend` (an object, or the name of one already created) the active backend.
 *
 * @example
 * setBackend('cpu');
 * // or, with the WebGPU backend: setBackend(await createWebGPUBackend());
 */
export function setBackend(backend: Backend | string): void {
  ENGINE.setBackend(backend);
}

/** The active backend (the CPU backend unless another was set). */
export function getBackend(): Backend {
  return ENGINE.getBackend();
}

/** Makes a backend available by name for `setBackend(name)`, created lazily. */
export function registerBackend(name: string, factory: () => Backend): void {
  ENGINE.factories.set(name, factory);
}

/**
 * Runs `fn` and frees every tensor it created except those it returns or `keep()`s. Scopes nest
 * and are synchronous: await results outside them.
 *
 * @example
 * const y = scope(() => relu(add(x, 1))); // the intermediate add is freed
 */
export function scope<T>(fn: () => T): T {
  return ENGINE.scope(fn);
}

/**
 * A new handle on the same storage (no copy), outside every scope: for holders such as autograd's
 * saved tensors that must outlive the scope that made the original. Dispose it when done.
 */
export function retainHandle(t: Tensor): Tensor {
  return ENGINE.retainHandle(t);
}

/**
 * Runs a registered kernel by name on the active backend and returns all its outputs. For
 * gradient rules and fused-kernel ops; everyday code calls the op functions instead.
 *
 * @example
 * const [y] = runKernel('Tanh', [x], {});
 */
export function runKernel(name: string, inputs: readonly Tensor[], attrs: object = {}): Tensor[] {
  return ENGINE.dispatch(name, inputs, attrs);
}

/** Marks `t` so that no scope frees it; free it yourself with `dispose()`. */
export function keep<T extends Tensor>(t: T): T {
  return ENGINE.keep(t);
}

/** Disposes every tensor found in `x` (a tensor, an array, or an object of tensors). */
export function dispose(x: Tensor | readonly Tensor[] | Record<string, Tensor> | undefined | null): void {
  if (!x) return;
  if (Array.isArray(x)) for (const t of x) (t as Tensor).dispose();
  else if (typeof (x as Tensor).dispose === 'function' && 'dataId' in x) (x as Tensor).dispose();
  else for (const t of Object.values(x as Record<string, Tensor>)) t.dispose();
}

/**
 * Live tensors and bytes on the active backend.
 *
 * @example
 * const before = memory().tensors;
 * scope(() => add(a, b));
 * console.log(memory().tensors - before); // 0
 */
export function memory(): MemoryInfo {
  return ENGINE.memory();
}

/** Listens to every kernel the engine runs (autograd's hook); returns an unsubscribe function. */
export function addKernelListener(l: KernelListener): () => void {
  return ENGINE.addKernelListener(l);
}

/**
 * Whether handles dropped without `dispose()` outside every scope are released when the garbage
 * collector reclaims them (default on). Scopes, `keep` and `dispose` stay the deterministic path;
 * this is the safety net for PyTorch-style code. Releases happen between tasks (after an `await`),
 * never in the middle of synchronous code. Turning it off affects handles created afterwards.
 *
 * @example
 * for (const x of inputs) console.log(await model.forward(x).data()); // stays flat
 */
export function setAutoRelease(on: boolean): void {
  ENGINE.autoRelease = on;
}

/**
 * Whether an op on `inputs` will be recorded for a backward pass: autograd is recording (outside
 * `noGrad`) and one of them is tracked. Ops use it to skip state only a backward needs (the fused
 * RNN kernels' gates); false when autograd is not loaded.
 *
 * @example
 * const keepState = willRecord([xProj, wHh, h0]);
 */
export function willRecord(inputs: readonly (Tensor | undefined)[]): boolean {
  const hint = ENGINE.recordingHint;
  return hint !== null && hint(inputs.filter((t): t is Tensor => t !== undefined));
}

/**
 * Installs the recording hint behind {@link willRecord} (autograd does, when its tape starts).
 *
 * @example
 * setRecordingHint((inputs) => gradEnabled && inputs.some((t) => tracked.has(t.id)));
 */
export function setRecordingHint(hint: ((inputs: readonly Tensor[]) => boolean) | null): void {
  ENGINE.recordingHint = hint;
}

/** Listens to tensor disposal; returns an unsubscribe function. */
export function addDisposeListener(l: DisposeListener): () => void {
  return ENGINE.addDisposeListener(l);
}

/**
 * Seeds the global counter-based random stream used when an op is given no explicit seed.
 * The same seed gives the same numbers on every backend.
 */
export function setSeed(seed: number): void {
  ENGINE.seed = seed >>> 0;
  ENGINE.randomCounter = 0;
}

/** Current position of the global random stream (saved in checkpoints to resume exactly). */
export function getRandomState(): { seed: number; counter: number } {
  return { seed: ENGINE.seed, counter: ENGINE.randomCounter };
}

export function setRandomState(state: { seed: number; counter: number }): void {
  ENGINE.seed = state.seed >>> 0;
  ENGINE.randomCounter = state.counter;
}
