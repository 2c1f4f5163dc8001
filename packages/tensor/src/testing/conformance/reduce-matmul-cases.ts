/** Conformance cases for Sum, Max, ArgMax and BatchMatMul. */
import { tensor } from '../../ops/creation.js';
import { matMul } from '../../ops/matmul.js';
import { argMax, max, sum } from '../../ops/reduce.js';
import { APPROX, BOUNDARY_SIZES, EXACT, INT, expectKernel, f32, i32, ints, wave, type ConformanceCase } from './harness.js';
import * as ref from './reference.js';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Axis sets over [3,4,5] and a few wider shapes, including non-trailing axes and size-1 axes. */
const AXES_CASES: Array<[number[], number[], boolean]> = [
  [[3, 4, 5], [0], false],
  [[3, 4, 5], [1], false],
  [[3, 4, 5], [2], true],
  [[3, 4, 5], [0, 2], false],
  [[3, 4, 5], [1, 2], true],
  [[3, 4, 5], [0, 1, 2], false],
  [[7, 65], [0], false],
  [[257, 3], [0], true],
  [[2, 1, 3], [1], false],
  [[64, 65], [1], false],
];

function reduceCases(kernel: 'Sum' | 'Max'): ConformanceCase[] {
  const op = kernel === 'Sum' ? sum : max, kind = kernel === 'Sum' ? 'sum' : 'max';
  const cases: ConformanceCase[] = BOUNDARY_SIZES.map((n) => ({
    kernel,
    title: `all of size ${n}`,
    run: () => {
      // Non-negative values keep a long float32 sum well conditioned for any summation order.
      const x = wave(n, 0, 1);
      return expectKernel(`${kernel} size ${n}`, () => op(f32(x, [n])), ref.reduce(x, [n], [0], false, kind), APPROX);
    },
  }));
  for (const [shape, axes, keepDims] of AXES_CASES) {
    cases.push({
      kernel,
      title: `${JSON.stringify(shape)} axes ${JSON.stringify(axes)}${keepDims ? ' keepDims' : ''}`,
      run: () => {
        const x = wave(prod(shape), -2, 2);
        return expectKernel(`${kernel} ${JSON.stringify(shape)} axes ${JSON.stringify(axes)}`,
          () => op(f32(x, shape), axes, keepDims), ref.reduce(x, shape, axes, keepDims, kind), APPROX);
      },
    });
  }
  cases.push({
    kernel,
    title: 'NaN and ±Inf propagation',
    run: () => {
      const x = Float32Array.from([1, NaN, 2, 3, Infinity, 1, -Infinity, Infinity, -Infinity, -Infinity, 5, 0]);
      return expectKernel(`${kernel} special values`, () => op(f32(x, [4, 3]), 1), ref.reduce(x, [4, 3], [1], false, kind), APPROX);
    },
  });
  cases.push({
    kernel,
    title: 'int32 over a non-trailing axis',
    run: () => {
      const x = ints(60, -50, 50);
      return expectKernel(`${kernel} int32`, () => op(i32(x, [3, 4, 5]), [0, 1]), ref.reduce(x, [3, 4, 5], [0, 1], false, kind), INT, 'int32');
    },
  });
  return cases;
}

function argMaxCases(): ConformanceCase[] {
  // Values rounded to 0.5 steps: ties are common, and the first index must win.
  const tied = (n: number, phase = 0) => Float32Array.from(wave(n, -2, 2, phase), (v) => Math.round(v * 2) / 2);
  const mk = (title: string, x: ArrayLike<number>, shape: number[], axis: number, keepDims = false, int = false): ConformanceCase => ({
    kernel: 'ArgMax',
    title,
    run: () => expectKernel(`ArgMax ${title}`, () => argMax(int ? i32(x, shape) : f32(x, shape), axis, keepDims),
      ref.argMax(x, shape, axis < 0 ? axis + shape.length : axis, keepDims), INT, 'int32'),
  });
  return [
    mk('[3,4,5] axis 0 with ties', tied(60), [3, 4, 5], 0),
    mk('[3,4,5] axis 1 with ties', tied(60, 1), [3, 4, 5], 1),
    mk('[3,4,5] axis -1 keepDims', tied(60, 2), [3, 4, 5], -1, true),
    mk('all equal gives index 0', [7, 7, 7, 7, 7, 7], [2, 3], 1),
    mk('NaN counts as the maximum (first NaN)', [1, NaN, 5, NaN, -Infinity, -Infinity, Infinity, 2], [2, 4], 1),
    mk('size 10000 vector', wave(10_000, -1, 1, 3), [10_000], 0),
    mk('[257,3] axis 0', tied(771, 4), [257, 3], 0),
    mk('int32 with ties', ints(24, 0, 3), [4, 6], 1, false, true),
  ];
}

function matMulCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  // [batchA, batchB, M, K, N]
  const shapes: Array<[number, number, number, number, number]> = [
    [1, 1, 1, 1, 1],
    [3, 3, 7, 65, 5],
    [1, 4, 5, 3, 2],
    [4, 1, 2, 7, 6],
    [2, 2, 64, 9, 65],
    [1, 1, 3, 257, 2],
  ];
  for (const [ba, bb, m, k, n] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const sa = [ba, ta ? k : m, ta ? m : k], sb = [bb, tb ? n : k, tb ? k : n];
        cases.push({
          kernel: 'BatchMatMul',
          title: `${JSON.stringify(sa)}${ta ? 'ᵀ' : ''} x ${JSON.stringify(sb)}${tb ? 'ᵀ' : ''}`,
          run: () => {
            const a = wave(prod(sa), -1, 1), b = wave(prod(sb), -1, 1, 1);
            return expectKernel(`BatchMatMul ${JSON.stringify(sa)} x ${JSON.stringify(sb)} tA=${ta} tB=${tb}`,
              () => matMul(f32(a, sa), f32(b, sb), { transposeA: ta, transposeB: tb }), ref.matMul(a, sa, b, sb, ta, tb), APPROX);
          },
        });
      }
    }
  }
  cases.push({
    kernel: 'BatchMatMul',
    title: 'rank 2 x rank 2 (non-square)',
    run: () => {
      const a = wave(35, -1, 1), b = wave(15, -1, 1, 1);
      const r = ref.matMul(a, [1, 7, 5], b, [1, 5, 3], false, false);
      return expectKernel('matMul 2-D', () => matMul(f32(a, [7, 5]), f32(b, [5, 3])), { data: r.data, shape: [7, 3] }, APPROX);
    },
  });
  cases.push({
    kernel: 'BatchMatMul',
    title: 'NaN and Inf propagate (0·NaN is NaN)',
    run: () => {
      const a = Float32Array.from([0, 0, 1, 0, Infinity, 1]), b = Float32Array.from([NaN, 1, 2, 3, 0, 1]);
      return expectKernel('BatchMatMul special values', () => matMul(f32(a, [2, 3]), f32(b, [3, 2])),
        { ...ref.matMul(a, [1, 2, 3], b, [1, 3, 2], false, false), shape: [2, 2] }, EXACT);
    },
  });
  cases.push({
    kernel: 'BatchMatMul',
    title: 'exact small integers',
    run: () => {
      const a = Float32Array.from([1, 2, 3, 4, 5, 6]), b = Float32Array.from([7, 8, 9, 10, 11, 12]);
      // [[1,2,3],[4,5,6]] · [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]
      return expectKernel('matMul literal', () => matMul(tensor(a, [2, 3]), tensor(b, [3, 2])),
        { data: Float64Array.of(58, 64, 139, 154), shape: [2, 2] }, EXACT);
    },
  });
  return cases;
}

export function reduceMatMulCases(): ConformanceCase[] {
  return [...reduceCases('Sum'), ...reduceCases('Max'), ...argMaxCases(), ...matMulCases()];
}
