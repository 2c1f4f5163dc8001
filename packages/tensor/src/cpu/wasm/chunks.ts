/**
 * Time chunks for the fused recurrent kernels and row/contraction chunks for products, so a kernel
 * call never needs more kernel memory than a fixed budget, whatever the sequence length: a batch of
 * the longest IMDB reviews (thousands of steps × batch 64 × 4·256 gates) is gigabytes of
 * activations, more than the 2 GiB WebAssembly memory holds beside the tensors kept there. Past the
 * budget, a kernel streams its per-step data through the memory chunk by chunk (the recurrent state
 * is carried across chunks in place) and its large outputs live in ordinary JS memory.
 *
 * Chunks never change results: each step does the same arithmetic, and sums over rows (weight and
 * bias gradients) are cut only at multiples of the gemm's KC = 256-row blocks and accumulated in
 * ascending row order, exactly as the one-piece gemm adds its blocks (test/seq-chunks.test.ts).
 */
import { allocUninit, type TypedArray } from '../../dtype.js';
import type { WasmRuntime } from './runtime.js';

/** Rows per gemm contraction block (assembly/gemm.ts KC). */
export const GEMM_KC = 256;
/** Default most bytes of per-step (or per-row) data one kernel call keeps in the kernel memory. */
export const DEFAULT_CHUNK_BYTES = 256 * 2 ** 20;

let chunkBytes = DEFAULT_CHUNK_BYTES;

/**
 * Sets the kernel-memory budget of one fused sequence kernel or product call (bytes; `null` restores
 * the default, 256 MiB). Smaller budgets cut long sequences into more chunks (tests use this to
 * exercise chunking on small inputs); results are the same bit for bit.
 *
 * @example
 * setKernelChunkBytes(1 << 20); // 1 MiB: a [500, 8, 64] LSTM runs in several time chunks
 */
export function setKernelChunkBytes(bytes: number | null): void {
  if (bytes !== null && !(Number.isFinite(bytes) && bytes >= 4096)) throw new Error(`setKernelChunkBytes: budget must be at least 4096 bytes, got ${bytes}`);
  chunkBytes = bytes ?? DEFAULT_CHUNK_BYTES;
}

export function kernelChunkBytes(): number {
  return chunkBytes;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Steps per chunk for a sequence of T steps of `rowsPerStep` rows (the batch) and `floatsPerStep`
 * floats of chunked data per step: T when it all fits the budget, else the largest count that fits,
 * rounded down to whole 256-row gemm blocks (at least one block's worth).
 */
export function stepsPerChunk(T: number, rowsPerStep: number, floatsPerStep: number): number {
  const fit = Math.floor(chunkBytes / (Math.max(1, floatsPerStep) * 4));
  if (fit >= T) return T;
  const unit = GEMM_KC / gcd(Math.max(1, rowsPerStep), GEMM_KC); // steps per whole number of KC blocks
  return Math.min(T, Math.max(unit, Math.floor(fit / unit) * unit));
}

/** Copies `n` values of `src` from `from` into the kernel memory at `p` (float32). */
export function copyIn(rt: WasmRuntime, p: number, src: TypedArray, from: number, n: number): void {
  rt.f32().set(src.subarray(from, from + n), p >> 2);
}

/** Copies `n` floats at `p` in the kernel memory into `dst` at `to`. */
export function copyOut(rt: WasmRuntime, p: number, dst: Float32Array, to: number, n: number): void {
  dst.set(rt.f32().subarray(p >> 2, (p >> 2) + n), to);
}

/** Writes mask[from, from + n) as float 0/1 at `p` (the mask may be float, int or bool). */
export function maskIn(rt: WasmRuntime, p: number, mask: TypedArray, from: number, n: number): void {
  const f = rt.f32(), o = p >> 2;
  for (let i = 0; i < n; i++) f[o + i] = mask[from + i] !== 0 ? 1 : 0;
}

/** A float32 output of `n` values in JS memory (a chunked kernel's large output). */
export function jsOutput(n: number): Float32Array {
  return allocUninit('float32', n) as Float32Array;
}

/** Largest |x| (NaN when any is NaN), as assembly/math.ts maxAbs computes it. */
export function maxAbsJs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a > m) m = a;
    else if (a !== a) return NaN;
  }
  return m;
}
