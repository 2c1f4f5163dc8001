/** Shared WebGPU test setup: one SwiftShader device per test file, with the GPU object kept alive. */
import { create, globals } from 'webgpu';
import { createCpuBackend, scope, setBackend, type Tensor, type TypedArray } from '../../src/index.js';
import { createWebGPUBackend, type WebGPUBackend, type WebGPUBackendOptions } from '../../src/webgpu/index.js';

Object.assign(globalThis, globals);
/** Module scope on purpose: dropping it while the device lives can kill the worker (TOOLCHAIN.md §3). */
export const gpu: GPU = create([]);
export const cpu = createCpuBackend();
let shared: Promise<WebGPUBackend> | undefined;

/** The file's shared WebGPU backend. */
export function webgpu(): Promise<WebGPUBackend> {
  return (shared ??= createWebGPUBackend({ gpu }));
}

/** A separate backend (its own device), e.g. to destroy it or to lower its limits. */
export function freshWebgpu(opts: Omit<WebGPUBackendOptions, 'gpu'> = {}): Promise<WebGPUBackend> {
  return createWebGPUBackend({ gpu, ...opts });
}

/** Runs `build` on the CPU and on WebGPU and returns both results (tensors are freed). */
export async function onBoth(build: () => Tensor): Promise<{ cpu: TypedArray; gpu: TypedArray; shape: readonly number[] }> {
  const backend = await webgpu();
  setBackend(cpu);
  const c = scope(build);
  const cv = c.dataSync();
  c.dispose();
  setBackend(backend);
  try {
    const g = scope(build);
    const gv = await g.data().finally(() => g.dispose());
    if (g.dtype !== c.dtype) throw new Error(`dtype differs: cpu ${c.dtype}, webgpu ${g.dtype}`);
    return { cpu: cv, gpu: gv, shape: c.shape };
  } finally {
    setBackend(cpu);
  }
}
