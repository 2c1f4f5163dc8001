/**
 * Fast CPU `Where` and comparisons (`Less`, `Equal`): the broadcast is planned once
 * ({@link planBroadcast}) and each innermost run is one tight loop, with whole-run copies or fills
 * where the condition repeats along it (the embedding padding mask `[T, B, 1]` over `[T, B, E]`).
 * Every output element is the same value the reference kernel picks or computes, for every dtype.
 */
import type { TensorInfo } from '../backend.js';
import { allocFor, type TypedArray } from '../dtype.js';
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

/** `Where(cond, a, b)`: out = cond ? a : b in `a`'s dtype, as the reference kernel. */
export function whereFast(args: Args): TensorInfo[] {
  const { inputs: [c, a, b], backend } = args;
  const shape = broadcastShapes('where', broadcastShapes('where', c!.shape, a!.shape), b!.shape);
  const n = sizeOf(shape);
  const out = allocFor(a!.dtype, n);
  if (n > 0) {
    const cv = backend.values(c!.dataId) as Uint8Array;
    const av = backend.values(a!.dataId), bv = backend.values(b!.dataId);
    const plan = planBroadcast(shape, [c!.shape, a!.shape, b!.shape]);
    const r = plan.shape.length - 1, len = plan.shape[r]!;
    const [sc, sa, sb] = plan.strides.map((s) => s[r]!) as [number, number, number];
    forEachRun(plan, ([ic, ia, ib], o) => whereRun(cv, ic!, sc, av, ia!, sa, bv, ib!, sb, out, o, len));
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
