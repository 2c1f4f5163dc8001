/** Kernel registry keyed by (backend name, kernel name); backends install kernels explicitly. */
import type { Backend, TensorInfo } from './backend.js';
import type { KernelName, KernelSpecs } from './kernel-names.js';

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

const registry = new Map<string, KernelConfig>();

const key = (backend: string, name: string) => `${backend}/${name}`;

/** Installs one kernel; a later registration for the same key replaces it (fused overrides). */
export function registerKernel<N extends string, B extends Backend>(config: KernelConfig<N, B>): void {
  registry.set(key(config.backend, config.name), config as unknown as KernelConfig);
}

export function registerKernels(configs: readonly KernelConfig<string, never>[]): void {
  for (const c of configs) registry.set(key(c.backend, c.name), c as unknown as KernelConfig);
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
