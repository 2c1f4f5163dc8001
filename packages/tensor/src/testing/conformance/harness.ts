/** Shared pieces of the conformance suite: the case type, inputs, tolerances and the one check. */
import type { DType } from '../../dtype.js';
import { scope } from '../../engine-api.js';
import type { KernelName } from '../../kernel-names.js';
import { tensor } from '../../ops/creation.js';
import { fmt } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { closeReport } from '../close.js';
import type { Ref } from './reference.js';

/** One conformance case: `title` is unique within its kernel (skip keys use `Kernel: title`). */
export interface ConformanceCase {
  kernel: KernelName;
  title: string;
  run: () => Promise<void>;
}

export interface Tolerance {
  atol: number;
  rtol: number;
}

/** Exactly rounded ops (arithmetic, movement, comparisons). */
export const EXACT: Tolerance = { atol: 1e-6, rtol: 1e-5 };
/** Transcendentals and reductions in float32. */
export const APPROX: Tolerance = { atol: 1e-5, rtol: 1e-4 };
/** Integer and boolean results. */
export const INT: Tolerance = { atol: 0, rtol: 0 };

export const BOUNDARY_SIZES = [1, 7, 64, 65, 257, 10_000] as const;

/** Deterministic, non-uniform values in [lo, hi], already rounded to float32. */
export function wave(n: number, lo = -1, hi = 1, phase = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = 0.5 + 0.5 * Math.cos(1.7 * i + 0.3 + phase) * Math.cos(0.13 * i * i + phase);
    out[i] = lo + (hi - lo) * t;
  }
  return out;
}

/** Small integers in [lo, hi] (deterministic), for int32 cases. */
export function ints(n: number, lo: number, hi: number, phase = 0): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + ((i * 7 + phase * 3 + ((i * i) % 5)) % (hi - lo + 1));
  return out;
}

/** A float32 tensor of `shape` holding `values` (a Float32Array is used as is). */
export function f32(values: ArrayLike<number>, shape: readonly number[]): Tensor {
  return tensor(Float32Array.from(values), shape, 'float32');
}

export function i32(values: ArrayLike<number>, shape: readonly number[]): Tensor {
  return tensor(Int32Array.from(values), shape, 'int32');
}

/** Rounds a float64 reference to what an exactly rounded float32 result would be. */
function roundTo(dtype: DType, data: Float64Array): ArrayLike<number> {
  if (dtype === 'float32') return Float32Array.from(data);
  return data;
}

/**
 * Runs `build` in a scope, reads the result with `await data()` (never `dataSync`), disposes it and
 * compares dtype, shape and values with the reference.
 */
export async function expectKernel(
  label: string, build: () => Tensor, ref: Ref, tol: Tolerance, dtype: DType = 'float32',
): Promise<void> {
  const y = scope(build);
  let data: ArrayLike<number>;
  try {
    if (y.dtype !== dtype) throw new Error(`${label}: dtype ${y.dtype}, expected ${dtype}`);
    if (fmt(y.shape) !== fmt(ref.shape)) throw new Error(`${label}: shape ${fmt(y.shape)}, expected ${fmt(ref.shape)}`);
    data = await y.data();
  } finally {
    y.dispose();
  }
  const r = closeReport(data, roundTo(dtype, ref.data), { ...tol, label }, ref.shape);
  if (!r.ok) throw new Error(r.message);
}

/** Reads and disposes `build()`'s result. */
export async function read(build: () => Tensor): Promise<{ data: ArrayLike<number>; shape: readonly number[] }> {
  const y = scope(build);
  try {
    return { data: await y.data(), shape: y.shape };
  } finally {
    y.dispose();
  }
}
