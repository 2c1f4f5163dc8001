/**
 * Fast CPU `Sum` and `Max` over any axes. The input is viewed as blocks of adjacent reduced or kept
 * axes; the last two blocks form a tile folded by tight loops — row sums when the innermost block
 * is reduced, column sums (a bias gradient `Sum [N, C] axes [0]`) when it is kept — and an odometer
 * steps once per tile instead of once per element. Each output folds its elements in increasing
 * input order in float64, exactly as the reference `reduceImpl`, so results are bit-identical.
 */
import type { TensorInfo } from '../backend.js';
import { allocFor, type TypedArray } from '../dtype.js';
import type { KernelArgs, KernelConfig } from '../registry.js';
import { sizeOf } from '../shape.js';
import type { CpuBackend } from './cpu-backend.js';
import { reducedShape } from './reduce.js';

type Cfg = KernelConfig<string, CpuBackend>;

/** Coalesced view: axis sizes, whether each is reduced, and each axis's stride in the output. */
interface ReducePlan {
  shape: number[];
  reduced: boolean[];
  outStrides: number[];
}

/** Drops size-1 axes and merges neighbours of the same kind (reduced or kept). */
export function planReduce(shape: readonly number[], axes: readonly number[]): ReducePlan {
  const sizes: number[] = [], reduced: boolean[] = [];
  shape.forEach((n, d) => {
    if (n === 1) return;
    const r = axes.includes(d), last = sizes.length - 1;
    if (last >= 0 && reduced[last] === r) sizes[last] = sizes[last]! * n;
    else { sizes.push(n); reduced.push(r); }
  });
  if (sizes.length === 0) { sizes.push(1); reduced.push(false); }
  const outStrides = new Array<number>(sizes.length).fill(0);
  for (let d = sizes.length - 1, s = 1; d >= 0; d--) if (!reduced[d]) { outStrides[d] = s; s *= sizes[d]!; }
  return { shape: sizes, reduced, outStrides };
}

/**
 * Folds one tile of `rows` × `len` contiguous inputs from `x[i]`. A reduced run (`reducedRun`):
 * row k folds into `acc[o + k]` (row sums). A kept run: every row folds elementwise into
 * `acc[o .. o + len)` (column sums). Four rows go at a time, each output still folding its
 * inputs one by one in increasing order.
 */
type TileFold = (x: TypedArray, i: number, acc: Float64Array, o: number, rows: number, len: number, reducedRun: boolean) => void;

function sumTile(x: TypedArray, i: number, acc: Float64Array, o: number, rows: number, len: number, reducedRun: boolean): void {
  let k = 0;
  if (reducedRun) {
    for (; k + 4 <= rows; k += 4) {
      const b = i + k * len;
      let s0 = acc[o + k]!, s1 = acc[o + k + 1]!, s2 = acc[o + k + 2]!, s3 = acc[o + k + 3]!;
      for (let j = b; j < b + len; j++) {
        s0 += x[j]!; s1 += x[j + len]!; s2 += x[j + 2 * len]!; s3 += x[j + 3 * len]!;
      }
      acc[o + k] = s0; acc[o + k + 1] = s1; acc[o + k + 2] = s2; acc[o + k + 3] = s3;
    }
    for (; k < rows; k++) {
      const b = i + k * len;
      let s = acc[o + k]!;
      for (let j = b; j < b + len; j++) s += x[j]!;
      acc[o + k] = s;
    }
    return;
  }
  for (; k + 4 <= rows; k += 4) {
    const b = i + k * len;
    // Left to right: ((((acc + x0) + x1) + x2) + x3), the same additions as four single rows.
    for (let j = 0; j < len; j++) {
      acc[o + j] = acc[o + j]! + x[b + j]! + x[b + len + j]! + x[b + 2 * len + j]! + x[b + 3 * len + j]!;
    }
  }
  for (; k < rows; k++) {
    const b = i + k * len;
    for (let j = 0; j < len; j++) acc[o + j] = acc[o + j]! + x[b + j]!;
  }
}

// NaN-propagating max with the running value first, as the reference's `nanMax(acc, v)`.
const nanMax = (m: number, v: number): number => (m !== m || v !== v ? NaN : v > m ? v : m);

function maxTile(x: TypedArray, i: number, acc: Float64Array, o: number, rows: number, len: number, reducedRun: boolean): void {
  if (reducedRun) {
    for (let k = 0; k < rows; k++) {
      const b = i + k * len;
      let m = acc[o + k]!;
      for (let j = b; j < b + len; j++) m = nanMax(m, x[j]!);
      acc[o + k] = m;
    }
    return;
  }
  let k = 0;
  for (; k + 4 <= rows; k += 4) {
    const b = i + k * len;
    for (let j = 0; j < len; j++) {
      const m = nanMax(nanMax(acc[o + j]!, x[b + j]!), x[b + len + j]!);
      acc[o + j] = nanMax(nanMax(m, x[b + 2 * len + j]!), x[b + 3 * len + j]!);
    }
  }
  for (; k < rows; k++) {
    const b = i + k * len;
    for (let j = 0; j < len; j++) acc[o + j] = nanMax(acc[o + j]!, x[b + j]!);
  }
}

/** Folds `x` of `shape` over `axes` into `out` (already sized), starting every output at `init`. */
export function reduceFast(
  x: TypedArray, shape: readonly number[], axes: readonly number[], out: TypedArray, init: number, fold: TileFold,
): void {
  const acc = new Float64Array(out.length).fill(init);
  if (x.length > 0) {
    // The last two coalesced axes (of opposite kinds) form one tile; an odometer walks the rest.
    const { shape: dims, reduced, outStrides } = planReduce(shape, axes);
    const r = dims.length - 1, len = dims[r]!, reducedRun = reduced[r]!;
    const rows = r > 0 ? dims[r - 1]! : 1, tile = rows * len;
    const tiles = x.length / tile;
    const idx = new Array<number>(Math.max(r - 1, 0)).fill(0);
    for (let t = 0, o = 0; t < tiles; t++) {
      fold(x, t * tile, acc, o, rows, len, reducedRun);
      for (let d = r - 2; d >= 0; d--) {
        o += outStrides[d]!;
        if (++idx[d]! < dims[d]!) break;
        o -= outStrides[d]! * dims[d]!;
        idx[d] = 0;
      }
    }
  }
  out.set(acc);
}

function reduction(name: 'Sum' | 'Max', init: number, fold: TileFold): Cfg {
  return {
    name,
    backend: 'cpu',
    run: ({ inputs: [x], attrs, backend }: KernelArgs<'Sum' | 'Max', CpuBackend>): TensorInfo[] => {
      const { axes, keepDims } = attrs;
      const dtype = name === 'Sum' && x!.dtype === 'bool' ? 'int32' : x!.dtype;
      const shape = reducedShape(x!.shape, axes, keepDims);
      const out = allocFor(dtype, sizeOf(shape));
      reduceFast(backend.values(x!.dataId), x!.shape, axes, out, init, fold);
      return [backend.out(out, shape, dtype)];
    },
  };
}

/** `Sum` and `Max` over any axes, bit-identical to the reference kernels for every dtype. */
export const fastReduceKernels: Cfg[] = [reduction('Sum', 0, sumTile), reduction('Max', -Infinity, maxTile)];
