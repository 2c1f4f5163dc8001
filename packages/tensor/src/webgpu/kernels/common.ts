/** Shared codegen pieces for WGSL kernels: dtype mapping, index math, conversions. */
import type { TensorInfo } from '../../backend.js';
import type { DType } from '../../dtype.js';
import type { KernelConfig } from '../../registry.js';
import type { WebGPUBackend } from '../backend.js';
import { dim } from '../program.js';

export type Cfg = KernelConfig<string, WebGPUBackend>;

/** WGSL storage type of a dtype: bool is stored as u32 (0/1) per element. */
export function wgslType(dtype: DType): 'f32' | 'i32' | 'u32' {
  if (dtype === 'float32') return 'f32';
  if (dtype === 'int32') return 'i32';
  if (dtype === 'bool') return 'u32';
  throw new Error('webgpu: float64 is not supported on WebGPU (WGSL has no f64); use float32');
}

/** Rejects float64 inputs, naming the op. */
export function assertGpuDtypes(op: string, inputs: readonly TensorInfo[]): void {
  for (const t of inputs) {
    if (t.dtype === 'float64') throw new Error(`webgpu: ${op}: float64 is not supported on WebGPU (WGSL has no f64); use float32`);
  }
}

/**
 * WGSL statements turning `idx` (row-major over the `shape` dims uniform, rank `rank`) into offsets
 * `off_<name>` = Σ coord[d] · strides_<name>[d] for each strides uniform.
 */
export function offsetsFromIndex(rank: number, shapeName: string, strideNames: string[], idxVar = 'idx'): string {
  const lines = strideNames.map((s) => `  var off_${s} = 0u;`);
  if (rank > 0) lines.push(`  var rem = ${idxVar};`);
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`  { let c = rem % ${dim(shapeName, d)}; rem = rem / ${dim(shapeName, d)};`);
    for (const s of strideNames) lines.push(`    off_${s} = off_${s} + c * ${dim(s, d)};`);
    lines.push('  }');
  }
  return lines.join('\n');
}

/** Conversions used when storing a computed value into another dtype (JS typed-array semantics). */
export const WGSL_CONVERT = /* wgsl */ `
fn to_i32(x: f32) -> i32 {
  if ((bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u) { return 0; }
  return i32(trunc(clamp(x, -2147483648.0, 2147483520.0)));
}
// Bit test: nonzero, denormals included (some drivers flush them); NaN is true, as in PyTorch.
fn to_bool(x: f32) -> u32 {
  return select(0u, 1u, (bitcast<u32>(x) & 0x7fffffffu) != 0u);
}
fn int_div(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  if (a == -2147483647 - 1 && b == -1) { return a; }
  return a / b;
}
`;

/** Expression converting `expr` of WGSL type `from` into storage type `to`. */
export function convert(expr: string, from: string, to: string): string {
  if (from === to) return expr;
  if (to === 'u32') return from === 'f32' ? `to_bool(${expr})` : `select(0u, 1u, (${expr}) != ${from === 'i32' ? '0' : '0u'})`;
  if (to === 'i32') return from === 'f32' ? `to_i32(${expr})` : `i32(${expr})`;
  return `f32(${expr})`;
}
