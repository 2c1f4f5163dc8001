/**
 * @recur/tensor/webgpu — the WebGPU backend: every primitive kernel in WGSL plus fused LSTM/GRU/RNN
 * sequence kernels and the fused Adam step. Browser-safe: Node-only modules are imported dynamically, only in Node.
 *
 * @example
 * // Browser
 * import { setBackend } from '@recur/tensor';
 * import { createWebGPUBackend } from '@recur/tensor/webgpu';
 * setBackend(await createWebGPUBackend());          // uses navigator.gpu
 *
 * // Node (the `webgpu` npm package, Dawn): keep `gpu` referenced while the device lives
 * import { create, globals } from 'webgpu';
 * Object.assign(globalThis, globals);
 * setBackend(await createWebGPUBackend({ gpu: create([]) }));
 */
/// <reference types="@webgpu/types" />
import { registerKernels, type KernelConfig } from '../registry.js';
import { WebGPUBackend, type AdapterSummary } from './backend.js';
import { webgpuKernels } from './kernels.js';

export { WebGPUBackend, GpuData, type AdapterSummary, type WebGPUBackendLimits } from './backend.js';
export { webgpuKernels } from './kernels.js';
export { gridFor, packUniforms, type Program } from './program.js';

export interface WebGPUBackendOptions {
  /** A `GPU` object: `navigator.gpu` in browsers, `create([])` from the `webgpu` package in Node. */
  gpu?: GPU;
  adapterOptions?: GPURequestAdapterOptions;
  /** Lower the limits the backend enforces (testing of the splitting/error paths). */
  limits?: { maxStorageBufferBindingSize?: number; maxComputeWorkgroupsPerDimension?: number; maxComputeInvocationsPerWorkgroup?: number };
  /** Dispatches recorded before an automatic submit (default 64). */
  batchSize?: number;
}

// Node: the GPU object must stay referenced while any device made from it lives (TOOLCHAIN §3).
let nodeGpu: GPU | undefined;

async function defaultGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  if (!isNode) throw new Error('createWebGPUBackend: WebGPU is not available here (navigator.gpu is undefined)');
  if (nodeGpu) return nodeGpu;
  const name = 'webgpu'; // a variable keeps bundlers from resolving the Node-only package
  let mod: { create(opts: string[]): GPU; globals: object };
  try {
    mod = (await import(/* @vite-ignore */ name)) as typeof mod;
  } catch (e) {
    throw new Error(`createWebGPUBackend: WebGPU in Node needs the optional peer dependency 'webgpu' (npm install webgpu), or pass { gpu } (${(e as Error).message})`);
  }
  Object.assign(globalThis, mod.globals);
  nodeGpu = mod.create([]);
  return nodeGpu;
}

/**
 * Creates a WebGPU backend (requests an adapter and a device) and installs its kernels.
 * Throws a clear error when no adapter is available. Make it active with `setBackend(backend)`.
 *
 * @example
 * const backend = await createWebGPUBackend();
 * console.log(backend.adapterInfo); // { vendor: 'google', architecture: 'swiftshader', ... }
 * setBackend(backend);
 */
export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const gpu = options.gpu ?? (await defaultGpu());
  const adapter = await gpu.requestAdapter(options.adapterOptions);
  if (!adapter) {
    throw new Error('createWebGPUBackend: no WebGPU adapter (in Node on a machine without a GPU set ' +
      'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json to use SwiftShader)');
  }
  const al = adapter.limits;
  const device = await adapter.requestDevice({
    label: 'recur',
    requiredLimits: {
      maxStorageBufferBindingSize: al.maxStorageBufferBindingSize,
      maxBufferSize: al.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(al.maxStorageBuffersPerShaderStage, 10),
      maxComputeWorkgroupStorageSize: al.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: al.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: al.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: al.maxComputeWorkgroupSizeY,
    },
  });
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const adapterInfo: AdapterSummary = {
    vendor: info?.vendor ?? '', architecture: info?.architecture ?? '', description: info?.description ?? '',
  };
  const limits = {
    maxStorageBufferBindingSize: Math.min(options.limits?.maxStorageBufferBindingSize ?? Infinity,
      device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize),
    maxComputeWorkgroupsPerDimension: Math.min(options.limits?.maxComputeWorkgroupsPerDimension ?? Infinity,
      device.limits.maxComputeWorkgroupsPerDimension),
    maxComputeInvocationsPerWorkgroup: Math.min(options.limits?.maxComputeInvocationsPerWorkgroup ?? Infinity,
      device.limits.maxComputeInvocationsPerWorkgroup),
    maxComputeWorkgroupStorageSize: device.limits.maxComputeWorkgroupStorageSize,
    minStorageBufferOffsetAlignment: device.limits.minStorageBufferOffsetAlignment,
  };
  registerKernels(webgpuKernels as KernelConfig<string, never>[]);
  const backend = new WebGPUBackend(device, adapterInfo, limits, gpu);
  if (options.batchSize) backend.batchSize = options.batchSize;
  return backend;
}
