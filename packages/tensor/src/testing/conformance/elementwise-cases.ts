/** Conformance cases for unary, binary, comparison, Where and Cast kernels. */
import type { DType } from '../../dtype.js';
import { tensor } from '../../ops/creation.js';
import * as ops from '../../ops/elementwise.js';
import type { Tensor } from '../../tensor.js';
import { BOUNDARY_SIZES, EXACT, APPROX, INT, expectKernel, f32, i32, ints, wave, type ConformanceCase, type Tolerance } from './harness.js';
import { BINARY_REF, map, UNARY_REF } from './reference.js';

type UnaryName = 'Neg' | 'Exp' | 'Log' | 'Sqrt' | 'Tanh' | 'Sigmoid' | 'Relu' | 'Abs';
type BinaryName = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Maximum' | 'Pow';

const UNARY_OP: Record<UnaryName, (x: Tensor) => Tensor> = {
  Neg: ops.neg, Exp: ops.exp, Log: ops.log, Sqrt: ops.sqrt, Tanh: ops.tanh, Sigmoid: ops.sigmoid, Relu: ops.relu, Abs: ops.abs,
};
const BINARY_OP: Record<BinaryName | 'Less' | 'Equal', (a: Tensor, b: Tensor) => Tensor> = {
  Add: ops.add, Sub: ops.sub, Mul: ops.mul, Div: ops.div, Maximum: ops.maximum, Pow: ops.pow, Less: ops.less, Equal: ops.equal,
};
/** Input range per unary kernel (inside its domain, wide enough to exercise both tails). */
const UNARY_RANGE: Record<UnaryName, [number, number]> = {
  Neg: [-5, 5], Exp: [-10, 10], Log: [0.01, 10], Sqrt: [0, 10], Tanh: [-6, 6], Sigmoid: [-12, 12], Relu: [-5, 5], Abs: [-5, 5],
};
const UNARY_TOL: Record<UnaryName, Tolerance> = {
  Neg: EXACT, Exp: APPROX, Log: APPROX, Sqrt: APPROX, Tanh: APPROX, Sigmoid: APPROX, Relu: EXACT, Abs: EXACT,
};
/** Operand ranges per binary kernel: divisors and pow bases stay away from 0. */
const BINARY_RANGE: Record<BinaryName, [[number, number], [number, number]]> = {
  Add: [[-3, 3], [-3, 3]], Sub: [[-3, 3], [-3, 3]], Mul: [[-3, 3], [-3, 3]], Div: [[-3, 3], [0.25, 2]],
  Maximum: [[-3, 3], [-3, 3]], Pow: [[0.1, 3], [-2, 3]],
};
const BINARY_TOL: Record<BinaryName, Tolerance> = {
  Add: EXACT, Sub: EXACT, Mul: EXACT, Div: EXACT, Maximum: EXACT, Pow: APPROX,
};

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -2.5, 3.4e38, -3.4e38, 1e-30];

function unaryCases(name: UnaryName): ConformanceCase[] {
  const op = UNARY_OP[name], ref = UNARY_REF[name]!, [lo, hi] = UNARY_RANGE[name], tol = UNARY_TOL[name];
  const cases: ConformanceCase[] = BOUNDARY_SIZES.map((n) => ({
    kernel: name,
    title: `size ${n}`,
    run: () => {
      const x = wave(n, lo, hi);
      return expectKernel(`${name} size ${n}`, () => op(f32(x, [n])), map([{ data: x, shape: [n] }], ref), tol);
    },
  }));
  cases.push({
    kernel: name,
    title: 'NaN, ±Inf, ±0 and extreme values',
    run: () => {
      const x = Float32Array.from(SPECIAL);
      return expectKernel(`${name} special values`, () => op(f32(x, [x.length])), map([{ data: x, shape: [x.length] }], ref), tol);
    },
  });
  if (name === 'Exp' || name === 'Tanh' || name === 'Sigmoid') {
    cases.push({
      kernel: name,
      title: 'large |x| saturates or overflows like float32',
      run: () => {
        const x = Float32Array.from([-1000, -104, -100, -88, -30, -20, -9.5, 9.5, 20, 30, 80, 88, 89, 100, 1000]);
        return expectKernel(`${name} large |x|`, () => op(f32(x, [3, 5])), map([{ data: x, shape: [3, 5] }], ref), tol);
      },
    });
  }
  if (name === 'Neg' || name === 'Relu' || name === 'Abs') {
    cases.push({
      kernel: name,
      title: 'int32',
      run: () => {
        const x = ints(65, -9, 9);
        return expectKernel(`${name} int32`, () => op(i32(x, [5, 13])), map([{ data: x, shape: [5, 13] }], ref), INT, 'int32');
      },
    });
  }
  return cases;
}

/** Broadcasting pairs: scalar×N, (N,1)×(1,M), rank-3 middle broadcast, rank-mismatched operands. */
const BROADCAST_PAIRS: Array<[string, number[], number[]]> = [
  ['scalar x N', [], [65]],
  ['N x scalar', [257], []],
  ['(N,1) x (1,M)', [7, 1], [1, 9]],
  ['rank-3 middle broadcast', [3, 1, 5], [3, 4, 5]],
  ['rank-3 middle broadcast (other side)', [2, 6, 3], [2, 1, 3]],
  ['lower rank against rank 3', [5], [2, 3, 5]],
  ['(4,1) x (3,1,1)', [4, 1], [3, 1, 1]],
];

function binaryCases(name: BinaryName): ConformanceCase[] {
  const op = BINARY_OP[name], ref = BINARY_REF[name]!, [ra, rb] = BINARY_RANGE[name], tol = BINARY_TOL[name];
  const cases: ConformanceCase[] = BOUNDARY_SIZES.map((n) => ({
    kernel: name,
    title: `size ${n}`,
    run: () => {
      const a = wave(n, ...ra), b = wave(n, rb[0], rb[1], 1);
      return expectKernel(`${name} size ${n}`, () => op(f32(a, [n]), f32(b, [n])),
        map([{ data: a, shape: [n] }, { data: b, shape: [n] }], ref), tol);
    },
  }));
  for (const [title, sa, sb] of BROADCAST_PAIRS) {
    cases.push({
      kernel: name,
      title: `broadcast ${title}`,
      run: () => {
        const na = sa.reduce((x, y) => x * y, 1), nb = sb.reduce((x, y) => x * y, 1);
        const a = wave(na, ...ra, 2), b = wave(nb, rb[0], rb[1], 3);
        return expectKernel(`${name} ${JSON.stringify(sa)} x ${JSON.stringify(sb)}`, () => op(f32(a, sa), f32(b, sb)),
          map([{ data: a, shape: sa }, { data: b, shape: sb }], ref), tol);
      },
    });
  }
  const specialA = name === 'Pow'
    ? [0, 2, -2, -2, -8, NaN, 0.5, 0, 2, 4, Infinity, 0.5]
    : [NaN, 1, Infinity, -Infinity, Infinity, 0, 0, -0, 2, 1e30, -1e30, 3];
  const specialB = name === 'Pow'
    ? [0, -1, 3, 2, 0.5, 0, Infinity, -1, NaN, 0.5, -1, -Infinity]
    : [1, NaN, -Infinity, -Infinity, Infinity, 0, -1, 1, Infinity, 1e30, 1e10, -0];
  cases.push({
    kernel: name,
    title: 'NaN and ±Inf propagation',
    run: () => {
      const a = Float32Array.from(specialA), b = Float32Array.from(specialB), n = a.length;
      return expectKernel(`${name} special values`, () => op(f32(a, [n]), f32(b, [n])),
        map([{ data: a, shape: [n] }, { data: b, shape: [n] }], ref), tol);
    },
  });
  if (name !== 'Div' && name !== 'Pow') {
    cases.push({
      kernel: name,
      title: 'int32 with broadcasting',
      run: () => {
        const a = ints(7, -20, 20), b = ints(27, -5, 5, 1);
        return expectKernel(`${name} int32`, () => op(i32(a, [7, 1]), i32(b, [3, 1, 9])),
          map([{ data: a, shape: [7, 1] }, { data: b, shape: [3, 1, 9] }], ref), INT, 'int32');
      },
    });
  }
  return cases;
}

function compareCases(name: 'Less' | 'Equal'): ConformanceCase[] {
  const op = BINARY_OP[name], ref = BINARY_REF[name]!;
  const mk = (title: string, a: ArrayLike<number>, sa: number[], b: ArrayLike<number>, sb: number[], dtype: DType): ConformanceCase => ({
    kernel: name,
    title,
    run: () => {
      const make = dtype === 'int32' ? i32 : f32;
      return expectKernel(`${name} ${title}`, () => op(make(a, sa), make(b, sb)),
        map([{ data: dtype === 'int32' ? a : Float32Array.from(a), shape: sa }, { data: dtype === 'int32' ? b : Float32Array.from(b), shape: sb }], ref),
        INT, 'bool');
    },
  });
  // Rounded values make ties frequent on purpose.
  const round = (v: Float32Array) => v.map((x) => Math.round(x * 2) / 2);
  return [
    mk('size 10000 with ties', round(wave(10_000, -3, 3)), [10_000], round(wave(10_000, -3, 3, 1)), [10_000], 'float32'),
    mk('broadcast (N,1) x (1,M)', round(wave(7, -2, 2)), [7, 1], round(wave(9, -2, 2, 1)), [1, 9], 'float32'),
    mk('broadcast rank-3 middle', round(wave(15, -2, 2)), [3, 1, 5], round(wave(60, -2, 2, 1)), [3, 4, 5], 'float32'),
    mk('NaN and ±Inf', [NaN, NaN, 1, Infinity, -Infinity, Infinity, 0, -0], [8], [NaN, 1, NaN, Infinity, Infinity, 1e38, -0, 0], [8], 'float32'),
    mk('int32 scalar x N', [3], [], ints(65, 0, 6), [65], 'int32'),
  ];
}

function whereCases(): ConformanceCase[] {
  const cond = (n: number, phase = 0) => Uint8Array.from(wave(n, -1, 1, phase), (v) => (v > 0 ? 1 : 0));
  const mk = (title: string, sc: number[], sa: number[], sb: number[], dtype: DType = 'float32'): ConformanceCase => ({
    kernel: 'Where',
    title,
    run: () => {
      const n = (s: number[]) => s.reduce((x, y) => x * y, 1);
      const c = cond(n(sc));
      const a = dtype === 'int32' ? ints(n(sa), -9, 9) : wave(n(sa), -5, 5, 1);
      const b = dtype === 'int32' ? ints(n(sb), -9, 9, 2) : Float32Array.from(wave(n(sb), -5, 5, 2), (v, i) => (i % 5 === 0 ? NaN : v));
      const make = dtype === 'int32' ? i32 : f32;
      return expectKernel(`Where ${title}`, () => ops.where(tensor(c, sc, 'bool'), make(a, sa), make(b, sb)),
        map([{ data: c, shape: sc }, { data: a, shape: sa }, { data: b, shape: sb }], (ci, ai, bi) => (ci ? ai : bi)),
        dtype === 'int32' ? INT : EXACT, dtype);
    },
  });
  return [
    mk('size 10000 (NaN in the other branch does not leak)', [10_000], [10_000], [10_000]),
    mk('broadcast cond (4,1), a (1,5), b scalar', [4, 1], [1, 5], []),
    mk('broadcast rank-3 middle', [2, 1, 3], [2, 4, 3], [4, 1]),
    mk('int32 values', [65], [65], [1], 'int32'),
  ];
}

function castCases(): ConformanceCase[] {
  const mk = (title: string, values: number[], from: DType, to: DType, f: (v: number) => number): ConformanceCase => ({
    kernel: 'Cast',
    title,
    run: () => {
      const stored = from === 'float32' ? Float32Array.from(values) : from === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
      return expectKernel(`Cast ${title}`, () => ops.cast(tensor(stored, [stored.length], from), to),
        map([{ data: stored, shape: [stored.length] }], f), to === 'float32' ? EXACT : INT, to);
    },
  });
  const toBool = (v: number) => (v !== 0 ? 1 : 0); // NaN is truthy, as in PyTorch
  return [
    mk('float32 -> int32 truncates toward zero', [-2.7, -1, -0.5, -0, 0, 0.5, 0.99, 2.7, 1e6, -123456.9], 'float32', 'int32', Math.trunc),
    mk('float32 -> bool', [0, -0, 1, -2, 1e-30, Infinity, -Infinity, NaN], 'float32', 'bool', toBool),
    mk('int32 -> float32', [0, -1, 7, 16777217, -2147483648, 2147483647], 'int32', 'float32', (v) => v),
    mk('int32 -> bool', [0, 1, -1, 5, 0], 'int32', 'bool', toBool),
    mk('bool -> float32', [0, 1, 1, 0], 'bool', 'float32', (v) => v),
    mk('bool -> int32', [1, 0, 1], 'bool', 'int32', (v) => v),
    mk('float32 -> float32', [1.5, NaN, -Infinity], 'float32', 'float32', (v) => v),
  ];
}

export function elementwiseCases(): ConformanceCase[] {
  return [
    ...(['Neg', 'Exp', 'Log', 'Sqrt', 'Tanh', 'Sigmoid', 'Relu', 'Abs'] as const).flatMap(unaryCases),
    ...(['Add', 'Sub', 'Mul', 'Div', 'Maximum', 'Pow'] as const).flatMap(binaryCases),
    ...(['Less', 'Equal'] as const).flatMap(compareCases),
    ...whereCases(),
    ...castCases(),
  ];
}
