/**
 * WGSL programs: a structural cache key, a shared header (bindings + Uniforms struct), uniform
 * packing, dispatch-size folding past 65,535 workgroups, and the pipeline cache.
 *
 * Programs specialise only on structure (op, rank, dtypes, workgroup size); shapes, strides, sizes
 * and scalars travel in the uniform buffer, so one pipeline serves every shape.
 */
/// <reference types="@webgpu/types" />
import type { WebGPUBackend } from './backend.js';

/** A uniform field: 32-bit scalar, or `dims` (up to 8 u32 values, stored as array<vec4<u32>, 2>). */
export type UniformType = 'u32' | 'i32' | 'f32' | 'dims';
export interface UniformField { name: string; type: UniformType }

/** Storage binding: WGSL element type and access. */
export interface StorageBinding { name: string; type: string; access: 'read' | 'read_write' }

export interface Program {
  /** Structural cache key: two programs with the same key must have the same WGSL. */
  key: string;
  label: string;
  bindings: StorageBinding[];
  uniforms: UniformField[];
  /** WGSL after the header: helpers and `@compute fn main`. */
  body: () => string;
}

export const MAX_RANK = 8;

/** Lays out uniform fields (WGSL rules: scalars 4-byte aligned, dims 16-byte aligned) and writes values. */
export function packUniforms(fields: UniformField[], values: Record<string, number | readonly number[]>): ArrayBuffer {
  let offset = 0;
  const slots: Array<[UniformField, number]> = [];
  for (const f of fields) {
    if (f.type === 'dims') offset = Math.ceil(offset / 16) * 16;
    slots.push([f, offset]);
    offset += f.type === 'dims' ? 32 : 4;
  }
  const buf = new ArrayBuffer(Math.max(16, Math.ceil(offset / 16) * 16));
  const view = new DataView(buf);
  for (const [f, off] of slots) {
    const v = values[f.name];
    if (v === undefined) throw new Error(`webgpu: uniform '${f.name}' has no value`);
    if (f.type === 'dims') {
      const arr = v as readonly number[];
      if (arr.length > MAX_RANK) throw new Error(`webgpu: rank ${arr.length} is above the maximum ${MAX_RANK}`);
      arr.forEach((x, i) => view.setUint32(off + 4 * i, x >>> 0, true));
    } else if (f.type === 'f32') view.setFloat32(off, v as number, true);
    else if (f.type === 'i32') view.setInt32(off, v as number, true);
    else view.setUint32(off, (v as number) >>> 0, true);
  }
  return buf;
}

/** WGSL for element `d` of a `dims` uniform: `u.shape[0][1]`. */
export function dim(name: string, d: number): string {
  return `u.${name}[${d >> 2}][${d & 3}]`;
}

function header(p: Program): string {
  const fields = p.uniforms.map((f) => `  ${f.name}: ${f.type === 'dims' ? 'array<vec4<u32>, 2>' : f.type},`);
  const binds = p.bindings.map((b, i) =>
    `@group(0) @binding(${i + 1}) var<storage, ${b.access}> ${b.name}: array<${b.type}>;`);
  return [
    `struct Uniforms {\n${fields.length ? fields.join('\n') : '  _unused: u32,'}\n};`,
    '@group(0) @binding(0) var<uniform> u: Uniforms;',
    ...binds,
  ].join('\n');
}

/** Full WGSL source of a program. */
export function programSource(p: Program): string {
  return `${header(p)}\n${p.body()}`;
}

/**
 * Entry point for one-thread-per-element kernels: `idx` is the linear index over a 1-D or folded
 * 2-D grid (see `gridFor`), and threads past `u.size` return.
 */
export function linearMain(workgroupSize: number, body: string): string {
  return `@compute @workgroup_size(${workgroupSize})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * ${workgroupSize}u;
  if (idx >= u.size) { return; }
${body}
}`;
}

/** Workgroup grid for `count` workgroups: folds into 2-D past `maxPerDim` (index recomputed in-shader). */
export function gridFor(count: number, maxPerDim: number): [number, number, number] {
  if (count <= maxPerDim) return [Math.max(count, 1), 1, 1];
  const y = Math.ceil(count / maxPerDim);
  if (y > maxPerDim) throw new Error(`webgpu: ${count} workgroups exceed ${maxPerDim}² (split the tensor)`);
  return [maxPerDim, y, 1];
}

interface CachedPipeline { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }

/** Compute pipelines keyed by `Program.key`, with explicit bind group layouts. */
export class PipelineCache {
  private readonly pipelines = new Map<string, CachedPipeline>();
  /** Set to a substring (or '*') to print matching shader sources (debugging aid). */
  printShader = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.RECUR_WEBGPU_PRINT_SHADER ?? '';

  constructor(private readonly device: GPUDevice) {}

  get size(): number {
    return this.pipelines.size;
  }

  get(p: Program): CachedPipeline {
    const hit = this.pipelines.get(p.key);
    if (hit) return hit;
    const code = programSource(p);
    if (this.printShader && (this.printShader === '*' || p.key.includes(this.printShader))) {
      console.log(`// ${p.label} (${p.key})\n${code}`);
    }
    const layout = this.device.createBindGroupLayout({
      label: p.label,
      entries: [
        { binding: 0, visibility: 4 /* COMPUTE */, buffer: { type: 'uniform' } },
        ...p.bindings.map((b, i) => ({
          binding: i + 1,
          visibility: 4,
          buffer: { type: b.access === 'read' ? 'read-only-storage' : 'storage' } as GPUBufferBindingLayout,
        })),
      ],
    });
    const module = this.device.createShaderModule({ code, label: p.label });
    const pipeline = this.device.createComputePipeline({
      label: p.label,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    const entry = { pipeline, layout };
    this.pipelines.set(p.key, entry);
    return entry;
  }
}

/** A storage binding: a whole buffer, or a byte range of one (offset a multiple of the device's alignment). */
export type Binding = GPUBuffer | { buffer: GPUBuffer; offset: number; size: number };

const isRange = (b: Binding): b is { buffer: GPUBuffer; offset: number; size: number } => 'offset' in b;

/**
 * Records one dispatch of `p` over `buffers` (in binding order) with `uniforms`, on `grid`
 * workgroups (`[x, y, z]`) or, given a number, enough linear workgroups of `wg` threads for it.
 * `stats.boundBytes` counts the bound sizes (a range counts its size, not its buffer's).
 */
export function runProgram(
  backend: WebGPUBackend, p: Program, buffers: Binding[],
  uniforms: Record<string, number | readonly number[]>, grid: [number, number, number] | { threads: number; wg: number },
): void {
  if (buffers.length !== p.bindings.length) {
    throw new Error(`webgpu: ${p.label}: ${buffers.length} buffers for ${p.bindings.length} bindings`);
  }
  const g = Array.isArray(grid) ? grid
    : gridFor(Math.ceil(grid.threads / grid.wg), backend.limits.maxComputeWorkgroupsPerDimension);
  if (!Array.isArray(grid) && grid.threads === 0) return;
  if (g.some((n) => n === 0)) return;
  const { pipeline, layout } = backend.pipelines.get(p);
  const ubuf = backend.uniformBuffer(packUniforms(p.uniforms, uniforms));
  const bindGroup = backend.device.createBindGroup({
    layout,
    entries: [{ binding: 0, resource: { buffer: ubuf } }, ...buffers.map((b, i) => ({ binding: i + 1, resource: isRange(b) ? b : { buffer: b } }))],
  });
  const pass = backend.computePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(g[0], g[1], g[2]);
  backend.dispatched(buffers.reduce((sum, b) => sum + b.size, 0));
}
