/** CPU movement kernels: Reshape (shares storage), Transpose, Slice, Concat, Pad. */
import type { KernelConfig } from '../registry.js';
import { allocFor, type TypedArray } from '../dtype.js';
import { sizeOf, stridesOf } from '../shape.js';
import type { CpuBackend } from './cpu-backend.js';
import { walkBroadcast } from './elementwise.js';

type Cfg = KernelConfig<string, CpuBackend>;

const reshape: KernelConfig<'Reshape', CpuBackend> = {
  name: 'Reshape',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    backend.incRef(x!.dataId);
    return [{ dataId: x!.dataId, shape: attrs.shape, dtype: x!.dtype }];
  },
};

const transpose: KernelConfig<'Transpose', CpuBackend> = {
  name: 'Transpose',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const { perm } = attrs;
    const v = backend.values(x!.dataId);
    const outShape = perm.map((p) => x!.shape[p]!);
    const inStrides = stridesOf(x!.shape);
    const out = allocFor(x!.dtype, v.length);
    if (perm.length === 2 && perm[0] === 1) {
      const [r, c] = x!.shape as [number, number];
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = v[i * c + j]!;
    } else {
      walkBroadcast(outShape, [perm.map((p) => inStrides[p]!)], (i, [src]) => {
        out[i] = v[src!]!;
      });
    }
    return [backend.out(out, outShape, x!.dtype)];
  },
};

/**
 * Copies `rows` blocks of `run` contiguous elements from `src` to `dst`; block k's offsets come
 * from an odometer over `outer` with `srcStrides` / `dstStrides` (one per axis of `outer`).
 */
function copyRuns(
  src: TypedArray, srcStart: number, srcStrides: readonly number[], dst: TypedArray, dstStart: number,
  dstStrides: readonly number[], outer: readonly number[], run: number,
): void {
  const rank = outer.length;
  const rows = sizeOf(outer);
  const idx = new Array<number>(rank).fill(0);
  let s = srcStart, d = dstStart;
  for (let r = 0; r < rows; r++) {
    if (run >= 32) dst.set(src.subarray(s, s + run), d);
    else for (let j = 0; j < run; j++) dst[d + j] = src[s + j]!;
    for (let k = rank - 1; k >= 0; k--) {
      s += srcStrides[k]!;
      d += dstStrides[k]!;
      if (++idx[k]! < outer[k]!) break;
      s -= srcStrides[k]! * outer[k]!;
      d -= dstStrides[k]! * outer[k]!;
      idx[k] = 0;
    }
  }
}

/** The axis k ≥ 0 such that `whole(d)` holds for every axis d > k: contiguous runs span [k, rank). */
function runAxis(rank: number, whole: (d: number) => boolean): number {
  let k = Math.max(rank - 1, 0);
  while (k > 0 && whole(k)) k--;
  return k;
}

const slice: KernelConfig<'Slice', CpuBackend> = {
  name: 'Slice',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const v = backend.values(x!.dataId);
    const shape = x!.shape, { begin, size } = attrs;
    const out = allocFor(x!.dtype, sizeOf(size));
    if (out.length > 0) {
      const strides = stridesOf(shape);
      const start = begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
      // Axes after k are taken whole, so each block [k, rank) is one contiguous run.
      const k = runAxis(shape.length, (d) => begin[d] === 0 && size[d] === shape[d]);
      const run = sizeOf(size.slice(k));
      copyRuns(v, start, strides.slice(0, k), out, 0, stridesOf(size).slice(0, k), size.slice(0, k), run);
    }
    return [backend.out(out, size, x!.dtype)];
  },
};

const concat: KernelConfig<'Concat', CpuBackend> = {
  name: 'Concat',
  backend: 'cpu',
  run: ({ inputs, attrs, backend }) => {
    const { axis } = attrs;
    const first = inputs[0]!;
    const outShape = [...first.shape];
    outShape[axis] = inputs.reduce((s, t) => s + t.shape[axis]!, 0);
    const outer = sizeOf(first.shape.slice(0, axis));
    const inner = sizeOf(first.shape.slice(axis + 1));
    const out = allocFor(first.dtype, sizeOf(outShape));
    const rowOut = outShape[axis]! * inner;
    let offset = 0;
    for (const t of inputs) {
      const v = backend.values(t.dataId);
      const row = t.shape[axis]! * inner;
      for (let o = 0; o < outer; o++) out.set(v.subarray(o * row, (o + 1) * row), o * rowOut + offset);
      offset += row;
    }
    return [backend.out(out, outShape, first.dtype)];
  },
};

const pad: KernelConfig<'Pad', CpuBackend> = {
  name: 'Pad',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const v = backend.values(x!.dataId);
    const shape = x!.shape, { paddings } = attrs;
    const outShape = shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
    const out = allocFor(x!.dtype, sizeOf(outShape));
    if (!Object.is(attrs.value, 0)) out.fill(attrs.value); // storage starts at +0
    if (v.length > 0) {
      const outStrides = stridesOf(outShape);
      const start = paddings.reduce((acc, [b], i) => acc + b * outStrides[i]!, 0);
      // Axes after k are not padded, so each input block [k, rank) lands as one contiguous run.
      const k = runAxis(shape.length, (d) => paddings[d]![0] === 0 && paddings[d]![1] === 0);
      const run = sizeOf(shape.slice(k));
      copyRuns(v, 0, stridesOf(shape).slice(0, k), out, start, outStrides.slice(0, k), shape.slice(0, k), run);
    }
    return [backend.out(out, outShape, x!.dtype)];
  },
};

export const movementKernels = [reshape, transpose, slice, concat, pad] as Cfg[];
