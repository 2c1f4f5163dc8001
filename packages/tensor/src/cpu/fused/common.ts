/**
 * Shared pieces of the fused recurrent CPU kernels: shape reading, typed-array helpers and the
 * small dense products of the JS path (float64, and float32 when WebAssembly is unavailable).
 */
import type { TensorInfo } from '../../backend.js';
import { allocFor, type DType, type TypedArray } from '../../dtype.js';
import type { CpuBackend } from '../cpu-backend.js';

export interface SeqDims {
  T: number;
  B: number;
  H: number;
}

/** T, B, H of a fused recurrent kernel from xProj [T,B,G·H] and a state [B,H]. */
export function seqDims(xProj: TensorInfo, state: TensorInfo): SeqDims {
  const [T, B] = xProj.shape as [number, number];
  return { T, B, H: state.shape[1]! };
}

/** Values of each input, in order. */
export function valuesOf(backend: CpuBackend, inputs: readonly TensorInfo[]): TypedArray[] {
  return inputs.map((t) => backend.values(t.dataId));
}

/**
 * Values of named inputs, by the same names (the JS path computes in the inputs' own float type;
 * typed as Float64Array, whose element access is the same for float32).
 */
export function valuesByName<K extends string>(backend: CpuBackend, inputs: Readonly<Record<K, TensorInfo>>): Record<K, Float64Array> {
  const out = {} as Record<K, Float64Array>;
  for (const k of Object.keys(inputs) as K[]) out[k] = backend.values(inputs[k].dataId) as Float64Array;
  return out;
}

/** 1 where mask[t,b] is nonzero (mask may be float, int or bool). */
export function activeOf(mask: TypedArray): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] !== 0 ? 1 : 0;
  return out;
}

export function copyOf(v: TypedArray, dtype: DType): TypedArray {
  const out = allocFor(dtype, v.length);
  out.set(v);
  return out;
}

/** [rows, cols] → [cols, rows]. */
export function transpose2d(src: TypedArray, rows: number, cols: number, dtype: DType): TypedArray {
  const out = allocFor(dtype, src.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c]!;
  return out;
}

/** C[m×n] += A[m×k] · B[k×n], all row-major; A and C start at offsets, B at 0. */
export function gemmAcc(
  m: number, n: number, k: number, a: TypedArray, aOff: number, b: TypedArray, c: TypedArray, cOff: number,
): void {
  for (let i = 0; i < m; i++) {
    const ci = cOff + i * n;
    for (let p = 0; p < k; p++) {
      const av = a[aOff + i * k + p]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j]! += av * b[bp + j]!;
    }
  }
}

/** C[k×n] = Aᵀ · B for A [m×k] and B [m×n] (the weight gradient Σ_rows dzᵀ·h). */
export function gemmTransA(m: number, n: number, k: number, a: TypedArray, b: TypedArray, c: TypedArray): void {
  c.fill(0);
  for (let r = 0; r < m; r++) {
    const br = r * n;
    for (let i = 0; i < k; i++) {
      const av = a[r * k + i]!;
      const ci = i * n;
      for (let j = 0; j < n; j++) c[ci + j]! += av * b[br + j]!;
    }
  }
}

/**
 * The state entering each step, [T,B,H]: h0 at t = 0, y[t-1] after. Valid for prefix masks, where
 * every active step follows an active one (padded rows get zeros, and their gradients are zero).
 */
export function previousStates(y: TypedArray, h0: TypedArray, d: SeqDims, dtype: DType): TypedArray {
  const bh = d.B * d.H;
  const out = allocFor(dtype, d.T * bh);
  out.set(h0.subarray(0, bh), 0);
  if (d.T > 1) out.set(y.subarray(0, (d.T - 1) * bh), bh);
  return out;
}

/** Stable logistic function, as the Sigmoid kernel computes it. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
