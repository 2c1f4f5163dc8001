/** WebGPU test setup for this package: one SwiftShader device per file, GPU object kept referenced. */
import { create, globals } from 'webgpu';
import { createCpuBackend } from '@recur/tensor';
import { createWebGPUBackend, type WebGPUBackend } from '@recur/tensor/webgpu';

Object.assign(globalThis, globals);
// Module scope on purpose: dropping it while the device lives can kill the worker (TOOLCHAIN.md §3).
const gpu = create([]);
let shared: Promise<WebGPUBackend> | undefined;

export const cpu = createCpuBackend();

export function webgpu(): Promise<WebGPUBackend> {
  return (shared ??= createWebGPUBackend({ gpu }));
}
