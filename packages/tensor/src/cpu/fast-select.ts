/**
 * Fast CPU `Where` and comparisons (`Less`, `Equal`): the broadcast is planned once
 * ({@link planBroadcast}) and each innermost run is one tight loop, with whole-run copies or fills
 * where the condition repeats along it (the embedding padding mask `[T, B, 1]` over `[T, B, E]`).
 * Every output element is the same value the reference kernel picks or computes, for every dtype.
 */
import type { TensorInfo } from '../backend.js';
import { allocUninit, type TypedArray } from '../dtype.js';
import type { KernelArgs, KernelConfig } from '../registry.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { forEachRun, planBroadcast } from './broadcast-plan.js';
import type { CpuBackend } from './cpu-backend.js';

type Cfg = KernelConfig<string, CpuBackend>;
type Args = KernelArgs<string, CpuBackend>;

/** One run of `where`: `len` outputs from `o`, inputs read from their offsets with their strides. */
function whereRun(
  c: Uint8Array, ic: number, sc: number, a: TypedArray, ia: number, sa: number,
  b: TypedArray, ib: number, sb: number, out: TypedArray, o: number, len: number,
): void {
  if (sc === 0) {
    // The condition is constant along the run: copy or fill from the picked side.
    const pick = c[ic] !== 0;
    const src = pick ? a : b, i = pick ? ia : ib, s = pick ? sa : sb;
    if (s === 0) out.fill(src[i]!, o, o + len);
    else if (s === 1) out.set(src.subarray(i, i + len), o);
    else for (let j = 0; j < len; j++) out[o + j] = src[i + j * s]!;
    return;
  }
  if (sc === 1 && sa === 1 && sb === 1) {
    for (let j = 0; j < len; j++) out[o + j] = c[ic + j] ? a[ia + j]! : b[ib + j]!;
    return;
  }
  for (let j = 0; j < len; j++, ic += sc, ia += sa, ib += sb) out[o + j] = c[ic] ? a[ia]! : b[ib]!;
}

/**
 * A run of `where` with the condition varying along it, on 32-bit words (offsets in words; `w`
 * words per element: 1 for float32 / int32, 2 for float64) when both sides share the output's
 * dtype: a bitwise select, `m = -c >> 31` is all ones for a true (non-zero) condition, so random
 * masks (dropout) cost no mispredicted branches. Copies the picked element's bits, the same value the reference copies.
 */
function whereBitsRun(
  c: Uint8Array, ic: number, sc: number, a: Int32Array, ia: number, sa: number,
  b: Int32Array, ib: number, sb: number, out: Int32Array, o: number, len: number, w: number,
): void {
  if (w === 1) {
    for (let j = 0; j < len; j++, ic += sc, ia += sa, ib += sb) {
      const m = -c[ic]! >> 31;
      out[o + j] = (a[ia]! & m) | (b[ib]! & ~m);
    }
    return;
  }
  for (let j = 0, k = o; j < len; j++, k += 2, ic += sc, ia += 2 * sa, ib += 2 * sb) {
    const m = -c[ic]! >> 31;
    out[k] = (a[ia]! & m) | (b[ib]! & ~m);
    out[k + 1] = (a[ia + 1]! & m) | (b[ib + 1]! & ~m);
  }
}

const words = (t: TypedArray): Int32Array => new Int32Array(t.buffer, t.byteOffset, t.byteLength >> 2);

/** `Where(cond, a, b)`: out = cond ? a : b in `a`'s dtype, as the reference kernel. */
export function whereFast(args: Args): TensorInfo[] {
  const { inputs: [c, a, b], backend } = args;
  const shape = broadcastShapes('where', broadcastShapes('where', c!.shape, a!.shape), b!.shape);
  const n = sizeOf(shape);
  const out = allocUninit(a!.dtype, n); // every element is written below
  if (n > 0) {
    const cv = backend.values(c!.dataId) as Uint8Array;
    const av = backend.values(a!.dataId), bv = backend.values(b!.dataId);
    const plan = planBroadcast(shape, [c!.shape, a!.shape, b!.shape]);
    const r = plan.shape.length - 1, len = plan.shape[r]!;
    const [sc, sa, sb] = plan.strides.map((s) => s[r]!) as [number, number, number];
    const w = a!.dtype === b!.dtype && a!.dtype !== 'bool' ? (a!.dtype === 'float64' ? 2 : 1) : 0;
    if (sc === 0 || w === 0) {
      forEachRun(plan, ([ic, ia, ib], o) => whereRun(cv, ic!, sc, av, ia!, sa, bv, ib!, sb, out, o, len));
    } else {
      const a32 = words(av), b32 = words(bv), o32 = words(out);
      forEachRun(plan, ([ic, ia, ib], o) => whereBitsRun(cv, ic!, sc, a32, ia! * w, sa, b32, ib! * w, sb, o32, o * w, len, w));
    }
  }
  return [backend.out(out, shape, a!.dtype)];
}

// `+(x < y)` rather than `x < y ? 1 : 0`: no branch to mispredict on random data (dropout masks).
type CompareRun = (a: TypedArray, ia: number, sa: number, b: TypedArray, ib: number, sb: number, out: Uint8Array, o: number, len: number) => void;

function lessRun(a: TypedArray, ia: number, sa: number, b: TypedArray, ib: number, sb: number, out: Uint8Array, o: number, len: number): void {
  if (sa === 1 && sb === 1) for (let j = 0; j < len; j++) out[o + j] = +(a[ia + j]! < b[ib + j]!);
  else if (sa === 1 && sb === 0) { const y = b[ib]!; for (let j = 0; j < len; j++) out[o + j] = +(a[ia + j]! < y); }
  else if (sa === 0 && sb === 1) { const x = a[ia]!; for (let j = 0; j < len; j++) out[o + j] = +(x < b[ib + j]!); }
  else for (let j = 0; j < len; j++, ia += sa, ib += sb) out[o + j] = +(a[ia]! < b[ib]!);
}

function equalRun(a: TypedArray, ia: number, sa: number, b: TypedArray, ib: number, sb: number, out: Uint8Array, o: number, len: number): void {
  if (sa === 1 && sb === 1) for (let j = 0; j < len; j++) out[o + j] = +(a[ia + j]! === b[ib + j]!);
  else if (sa === 1 && sb === 0) { const y = b[ib]!; for (let j = 0; j < len; j++) out[o + j] = +(a[ia + j]! === y); }
  else if (sa === 0 && sb === 1) { const x = a[ia]!; for (let j = 0; j < len; j++) out[o + j] = +(x === b[ib + j]!); }
  else for (let j = 0; j < len; j++, ia += sa, ib += sb) out[o + j] = +(a[ia]! === b[ib]!);
}

function compare(name: string, run: CompareRun): Cfg {
  return {
    name,
    backend: 'cpu',
    run: ({ inputs: [a, b], backend }) => {
      const shape = broadcastShapes(name, a!.shape, b!.shape);
      const n = sizeOf(shape);
      const out = new Uint8Array(n);
      if (n > 0) {
        const av = backend.values(a!.dataId), bv = backend.values(b!.dataId);
        const plan = planBroadcast(shape, [a!.shape, b!.shape]);
        const r = plan.shape.length - 1, len = plan.shape[r]!;
        const sa = plan.strides[0]![r]!, sb = plan.strides[1]![r]!;
        forEachRun(plan, ([ia, ib], o) => run(av, ia!, sa, bv, ib!, sb, out, o, len));
      }
      return [backend.out(out, shape, 'bool')];
    },
  };
}

/** `Where`, `Less` and `Equal` for every dtype and broadcast (same results as the reference). */
export const fastSelectKernels: Cfg[] = [
  { name: 'Where', backend: 'cpu', run: whereFast },
  compare('Less', lessRun),
  compare('Equal', equalRun),
];
