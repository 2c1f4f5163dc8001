/** Conformance cases for Reshape, Transpose, Slice, Concat, Pad, Gather and ScatterAdd. */
import type { DType } from '../../dtype.js';
import { gather, scatterAdd } from '../../ops/indexing.js';
import { concat, pad, reshape, slice, transpose } from '../../ops/movement.js';
import type { Tensor } from '../../tensor.js';
import { APPROX, EXACT, INT, expectKernel, f32, i32, ints, wave, type ConformanceCase } from './harness.js';
import * as ref from './reference.js';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Float32 or int32 values of `shape`, with the matching constructor. */
function input(shape: readonly number[], dtype: DType, phase = 0): { data: ArrayLike<number>; make: (s: readonly number[]) => Tensor } {
  const data = dtype === 'int32' ? ints(prod(shape), -100, 100, phase) : wave(prod(shape), -4, 4, phase);
  return { data, make: (s) => (dtype === 'int32' ? i32(data, s) : f32(data, s)) };
}
const tolOf = (dtype: DType) => (dtype === 'int32' ? INT : EXACT);

function reshapeCases(): ConformanceCase[] {
  const mk = (from: number[], to: number[], dtype: DType = 'float32'): ConformanceCase => ({
    kernel: 'Reshape',
    title: `${JSON.stringify(from)} -> ${JSON.stringify(to)} ${dtype}`,
    run: () => {
      const x = input(from, dtype);
      const out = to.includes(-1) ? to.map((d) => (d === -1 ? prod(from) / -prod(to) : d)) : to;
      return expectKernel(`Reshape ${title(from, to)}`, () => reshape(x.make(from), to),
        { data: Float64Array.from(x.data), shape: out }, tolOf(dtype), dtype);
    },
  });
  const title = (a: number[], b: number[]) => `${JSON.stringify(a)} -> ${JSON.stringify(b)}`;
  return [mk([2, 3, 4], [4, 6]), mk([10_000], [100, -1]), mk([6], [1, 6, 1]), mk([3, 5], [15], 'int32')];
}

function transposeCases(): ConformanceCase[] {
  const mk = (shape: number[], perm: number[], dtype: DType = 'float32'): ConformanceCase => ({
    kernel: 'Transpose',
    title: `${JSON.stringify(shape)} perm ${JSON.stringify(perm)} ${dtype}`,
    run: () => {
      const x = input(shape, dtype);
      return expectKernel(`Transpose ${JSON.stringify(shape)} perm ${JSON.stringify(perm)}`,
        () => transpose(x.make(shape), perm), ref.transpose(x.data, shape, perm), tolOf(dtype), dtype);
    },
  });
  const perms3 = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  return [
    ...perms3.map((p) => mk([2, 3, 4], p)),
    mk([7, 65], [1, 0]),
    mk([65, 7], [1, 0]),
    mk([1, 257], [1, 0]),
    mk([2, 3, 1, 5], [3, 1, 0, 2]),
    mk([4, 6], [1, 0], 'int32'),
  ];
}

function sliceCases(): ConformanceCase[] {
  const mk = (shape: number[], begin: number[], size: number[], dtype: DType = 'float32'): ConformanceCase => ({
    kernel: 'Slice',
    title: `${JSON.stringify(shape)} begin ${JSON.stringify(begin)} size ${JSON.stringify(size)} ${dtype}`,
    run: () => {
      const x = input(shape, dtype);
      return expectKernel(`Slice ${JSON.stringify(shape)} begin ${JSON.stringify(begin)}`,
        () => slice(x.make(shape), begin, size), ref.slice(x.data, shape, begin, size), tolOf(dtype), dtype);
    },
  });
  return [
    mk([10_000], [65], [257]),
    mk([7, 65], [1, 3], [5, 60]),
    mk([3, 4, 5], [1, 0, 2], [2, 4, 3]),
    mk([3, 4, 5], [0, 3, 0], [3, 1, 5]),
    mk([2, 3], [0, 0], [2, 3]),
    mk([64, 7], [63, 6], [1, 1], 'int32'),
  ];
}

function concatCases(): ConformanceCase[] {
  const mk = (shapes: number[][], axis: number, dtype: DType = 'float32'): ConformanceCase => ({
    kernel: 'Concat',
    title: `${shapes.map((s) => JSON.stringify(s)).join(' + ')} axis ${axis} ${dtype}`,
    run: () => {
      const parts = shapes.map((s, i) => ({ ...input(s, dtype, i), shape: s }));
      const ax = axis < 0 ? axis + shapes[0]!.length : axis;
      return expectKernel(`Concat axis ${axis}`, () => concat(parts.map((p) => p.make(p.shape)), axis),
        ref.concat(parts, ax), tolOf(dtype), dtype);
    },
  });
  return [
    mk([[1, 3], [7, 3], [64, 3]], 0),
    mk([[2, 3, 4], [2, 1, 4], [2, 5, 4]], 1),
    mk([[2, 3, 4], [2, 3, 1]], -1),
    mk([[10_000], [257]], 0),
    mk([[3, 2], [3, 5]], 1, 'int32'),
  ];
}

function padCases(): ConformanceCase[] {
  const mk = (shape: number[], paddings: Array<[number, number]>, value: number, dtype: DType = 'float32'): ConformanceCase => ({
    kernel: 'Pad',
    title: `${JSON.stringify(shape)} paddings ${JSON.stringify(paddings)} value ${value} ${dtype}`,
    run: () => {
      const x = input(shape, dtype);
      return expectKernel(`Pad ${JSON.stringify(shape)} ${JSON.stringify(paddings)}`,
        () => pad(x.make(shape), paddings, value), ref.pad(x.data, shape, paddings, value), tolOf(dtype), dtype);
    },
  });
  return [
    mk([3, 4], [[1, 2], [0, 3]], 0),
    mk([2, 3, 4], [[0, 1], [2, 0], [1, 1]], -1.5),
    mk([7], [[64, 1]], 0),
    mk([2, 2], [[0, 0], [0, 0]], 9),
    mk([3, 1], [[1, 1], [2, 2]], 7, 'int32'),
  ];
}

function gatherCases(): ConformanceCase[] {
  const mk = (title: string, shape: number[], ids: number[], idShape: number[], axis: number, dtype: DType = 'float32'): ConformanceCase => ({
    kernel: 'Gather',
    title,
    run: () => {
      const x = input(shape, dtype);
      return expectKernel(`Gather ${title}`, () => gather(x.make(shape), i32(ids, idShape), axis),
        ref.gather(x.data, shape, ids, idShape, axis), tolOf(dtype), dtype);
    },
  });
  return [
    mk('[11,4] rows by [2,3] ids with repeats', [11, 4], [3, 0, 10, 3, 3, 7], [2, 3], 0),
    mk('[3,5,2] axis 1 by [4] ids', [3, 5, 2], [4, 0, 4, 2], [4], 1),
    mk('[3,4,5] last axis by [2,2] ids', [3, 4, 5], [0, 4, 1, 1], [2, 2], 2),
    mk('scalar index drops the axis', [6, 3], [5], [], 0),
    mk('embedding-sized lookup [257,7] by 65 ids', [257, 7], Array.from(ints(65, 0, 256)), [65], 0),
    mk('int32 table', [5, 3], [4, 4, 0], [3], 0, 'int32'),
  ];
}

function scatterAddCases(): ConformanceCase[] {
  const mk = (title: string, shape: number[], ids: number[], idShape: number[], axis: number, tol = EXACT): ConformanceCase => ({
    kernel: 'ScatterAdd',
    title,
    run: () => {
      const uShape = [...shape.slice(0, axis), ...idShape, ...shape.slice(axis + 1)];
      const u = wave(prod(uShape), -2, 2);
      return expectKernel(`ScatterAdd ${title}`, () => scatterAdd(f32(u, uShape), i32(ids, idShape), shape, axis),
        ref.scatterAdd(u, ids, idShape, shape, axis), tol);
    },
  });
  return [
    mk('[2,3] ids with repeats into [11,4]', [11, 4], [3, 0, 10, 3, 3, 7], [2, 3], 0),
    mk('axis 1 of [3,5,2], repeated ids', [3, 5, 2], [4, 0, 4, 4, 2, 0], [6], 1),
    mk('last axis of [2,4]', [2, 4], [1, 1, 3], [3], 1),
    // ~1400 float32 additions per element: accumulation order matters, so reduction tolerance.
    mk('10000 updates into 7 rows (heavy repetition)', [7, 2], Array.from(ints(10_000, 0, 6)), [10_000], 0, APPROX),
  ];
}

export function movementCases(): ConformanceCase[] {
  return [...reshapeCases(), ...transposeCases(), ...sliceCases(), ...concatCases(), ...padCases(), ...gatherCases(), ...scatterAddCases()];
}
