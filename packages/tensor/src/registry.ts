/** Kernel registry keyed by (backend name, kernel name); backends install kernels explicitly. */
import type { Backend, TensorInfo } from './backend.js';
import type { KernelName, KernelSpecs } from './kernel-contracts.js';

export interface KernelArgs<N extends string, B extends Backend = Backend> {
  inputs: readonly TensorInfo[];
  attrs: N extends KernelName ? KernelSpecs[N] : Record<string, unknown>;
  backend: B;
}

export interface KernelConfig<N extends string = string, B extends Backend = Backend> {
  name: N;
  backend: string;
  run(args: KernelArgs<N, B>): TensorInfo[];
}

/**
 * A kernel config whose attrs (and, through `inputsOf`, inputs) are typed by the kernel's contract:
 * a wrong attribute name does not compile.
 *
 * @example
 * const k = defineKernel<'RNNSequence', CpuBackend>('RNNSequence', 'cpu', ({ inputs, attrs, backend }) =>
 *   rnnForward(backend, inputsOf('RNNSequence', inputs), attrs.nonlinearity));
 */
export function defineKernel<N extends KernelName, B extends Backend = Backend>(
  name: N, backend: string, run: (args: KernelArgs<N, B>) => TensorInfo[],
): KernelConfig<N, B> {
  return { name, backend, run };
}

export interface RegisterOptions {
  /** Replace a different kernel already registered for the same backend and name (fast or fused over reference). */
  override?: boolean;
}

// One registry per process, in the same global record as the engine: a second copy of the package
// (e.g. its source and its build) sees the kernels the first installed instead of an empty table.
const KEY = Symbol.for('@recur/tensor.kernels');
const g = globalThis as unknown as Record<symbol, Map<string, KernelConfig> | undefined>;
const registry: Map<string, KernelConfig> = g[KEY] ?? (g[KEY] = new Map());

const key = (backend: string, name: string) => `${backend}/${name}`;

function install(c: KernelConfig, opts: RegisterOptions): void {
  const k = key(c.backend, c.name);
  const prev = registry.get(k);
  if (prev && prev !== c && !opts.override) {
    throw new Error(`registerKernel: '${c.name}' is already registered for backend '${c.backend}'; pass { override: true } to replace it`);
  }
  registry.set(k, c);
}

/**
 * Installs one kernel. Registering the same config again is a no-op; replacing a different kernel
 * under the same backend and name needs `{ override: true }`.
 *
 * @example
 * registerKernel({ name: 'Relu', backend: 'cpu', run: fastRelu }, { override: true });
 */
export function registerKernel<N extends string, B extends Backend>(config: KernelConfig<N, B>, opts: RegisterOptions = {}): void {
  install(config as unknown as KernelConfig, opts);
}

/** Installs a list of kernels (see {@link registerKernel}). */
export function registerKernels(configs: readonly KernelConfig<string, never>[], opts: RegisterOptions = {}): void {
  for (const c of configs) install(c as unknown as KernelConfig, opts);
}

export function getKernel(backend: string, name: string): KernelConfig | undefined {
  return registry.get(key(backend, name));
}

export function hasKernel(backend: string, name: string): boolean {
  return registry.has(key(backend, name));
}

export function unregisterKernel(backend: string, name: string): void {
  registry.delete(key(backend, name));
}

/** Names from `names` that `backend` lacks: feeds the conformance suite's skip list. */
export function listMissingKernels(backend: string, names: readonly string[]): string[] {
  return names.filter((n) => !registry.has(key(backend, n)));
}
