/**
 * The fast `Where` / `Less` / `Equal` / `Sum` / `Max` / `Add`… CPU kernels return exactly what the
 * reference kernels return (Object.is per element: NaN, -0 and summation order included) on random shapes,
 * broadcasts, axes and dtypes, and the registered backend uses them.
 */
import { describe, expect, it } from 'vitest';
import { equal, expandDims, less, max, memory, scope, sum, tensor, where, type DType, type TensorInfo, type TypedArray } from '../src/index.js';
import { CpuBackend, cpuKernels, fastCpuKernels, getKernel, type KernelConfig } from '../src/backend-entry.js';
import { planBroadcast } from '../src/cpu/broadcast-plan.js';
import { planReduce } from '../src/cpu/fast-reduce.js';

type Cfg = KernelConfig<string, CpuBackend>;
const ref = (name: string) => (cpuKernels as Cfg[]).find((k) => k.name === name)!;
const fast = (name: string) => (fastCpuKernels as Cfg[]).find((k) => k.name === name)!;

/** Deterministic generator (xorshift) so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 3e38, -3e38, 1e-40];

function values(r: () => number, n: number, dtype: DType): number[] {
  return Array.from({ length: n }, () => {
    if (dtype === 'bool') return r() < 0.5 ? 1 : 0;
    if (dtype === 'int32') return Math.floor(r() * 9) - 4; // small range: many ties for Equal / Less
    if (r() < 0.1) return SPECIAL[Math.floor(r() * SPECIAL.length)]!;
    if (r() < 0.2) return Math.floor(r() * 5) - 2; // exact ties
    return (r() - 0.5) * 10 ** Math.floor(r() * 12 - 4); // mixed magnitudes expose summation order
  });
}

function randomShape(r: () => number, maxRank = 4): number[] {
  const rank = Math.floor(r() * (maxRank + 1));
  const dims = [0, 1, 1, 2, 3, 4, 5, 7];
  return Array.from({ length: rank }, () => dims[Math.floor(r() * dims.length)]!);
}

/** A shape broadcastable to `shape`: some axes set to 1, some leading axes dropped. */
function broadcastOf(r: () => number, shape: number[]): number[] {
  const s = shape.map((d) => (r() < 0.4 ? 1 : d));
  return s.slice(Math.floor(r() * (s.length + 1) * 0.5));
}

function expectSame(a: TypedArray, b: TypedArray, what: string): void {
  expect(a.constructor, what).toBe(b.constructor);
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) expect.fail(`${what}: element ${i}: fast ${a[i]} vs reference ${b[i]}`);
  }
}

/** Runs kernel `name` in both versions on fresh storage; compares output shapes, dtypes, values. */
function compareKernel(name: string, inputs: Array<[number[], DType, number[]]>, attrs: Record<string, unknown>, what: string): void {
  const backend = new CpuBackend();
  const infos: TensorInfo[] = inputs.map(([shape, dtype, v]) => ({
    dataId: backend.write(Float64Array.from(v) as TypedArray, shape, dtype), shape, dtype,
  }));
  const want = ref(name).run({ inputs: infos, attrs, backend })[0]!;
  const got = fast(name).run({ inputs: infos, attrs, backend })[0]!;
  expect(got.shape, what).toEqual(want.shape);
  expect(got.dtype, what).toBe(want.dtype);
  expectSame(backend.values(got.dataId), backend.values(want.dataId), what);
}

describe('planBroadcast', () => {
  it('merges the embedding mask pattern into [T·B, E] runs', () => {
    expect(planBroadcast([100, 32, 100], [[100, 32, 1], [1, 100], [100, 32, 100]])).toEqual({
      shape: [3200, 100], strides: [[1, 0], [0, 1], [100, 1]],
    });
  });
  it('keeps a rank-1 plan for scalars and all-ones shapes', () => {
    expect(planBroadcast([], [[], []])).toEqual({ shape: [1], strides: [[0], [0]] });
    expect(planBroadcast([1, 1], [[1], [1, 1]])).toEqual({ shape: [1], strides: [[0], [0]] });
  });
  it('does not merge axes that one input repeats and another walks', () => {
    expect(planBroadcast([4, 3], [[4, 1], [4, 3]])).toEqual({ shape: [4, 3], strides: [[1, 0], [3, 1]] });
  });
});

describe('planReduce', () => {
  it('merges neighbouring reduced or kept axes and drops size-1 axes', () => {
    expect(planReduce([3200, 512], [0])).toEqual({ shape: [3200, 512], reduced: [true, false], outStrides: [0, 1] });
    expect(planReduce([2, 1, 3, 4, 5], [0, 1, 2])).toEqual({ shape: [6, 20], reduced: [true, false], outStrides: [0, 1] });
    expect(planReduce([2, 3, 4, 5], [1, 3])).toEqual({ shape: [2, 3, 4, 5], reduced: [false, true, false, true], outStrides: [4, 0, 1, 0] });
    expect(planReduce([], [])).toEqual({ shape: [1], reduced: [false], outStrides: [1] });
  });
});

describe('fast Where / Less / Equal match the reference', () => {
  for (const dtype of ['float32', 'float64', 'int32', 'bool'] as DType[]) {
    it(`random broadcasts, ${dtype}`, () => {
      const before = memory().tensors;
      const r = rng(dtype.length * 7919);
      for (let trial = 0; trial < 150; trial++) {
        const out = randomShape(r);
        const [sc, sa, sb] = [broadcastOf(r, out), broadcastOf(r, out), broadcastOf(r, out)];
        const n = (s: number[]) => s.reduce((p, d) => p * d, 1);
        const c = values(r, n(sc), 'bool');
        const a = values(r, n(sa), dtype), b = values(r, n(sb), dtype);
        const what = `${dtype} cond [${sc}] a [${sa}] b [${sb}]`;
        compareKernel('Where', [[sc, 'bool', c], [sa, dtype, a], [sb, dtype, b]], {}, `Where ${what}`);
        compareKernel('Less', [[sa, dtype, a], [sb, dtype, b]], {}, `Less ${what}`);
        compareKernel('Equal', [[sa, dtype, a], [sb, dtype, b]], {}, `Equal ${what}`);
      }
      expect(memory().tensors).toBe(before);
    });
  }

  it('the condition repeating along the last axis (embedding padding mask), scalar sides', () => {
    const r = rng(5);
    const T = 7, B = 3, E = 5;
    const c = values(r, T * B, 'bool');
    const x = values(r, T * B * E, 'float32');
    const row = values(r, E, 'float32');
    compareKernel('Where', [[[T, B, 1], 'bool', c], [[1, E], 'float32', row], [[T, B, E], 'float32', x]], {}, 'mask fwd');
    compareKernel('Where', [[[T, B, 1], 'bool', c], [[], 'float32', [0]], [[T, B, E], 'float32', x]], {}, 'mask bwd');
    compareKernel('Where', [[[T, B, 1], 'bool', c], [[T, B, E], 'float32', x], [[], 'float32', [-0]]], {}, 'mask bwd b');
    compareKernel('Where', [[[], 'bool', [1]], [[], 'float32', [2]], [[], 'float32', [3]]], {}, 'rank 0');
    // Storage holding bytes other than 0 / 1 still counts as true, as the reference's truthiness test.
    for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
      compareKernel('Where', [[[4], 'bool', [0, 2, 255, 1]], [[4], dtype, [1, 2, 3, 4]], [[4], dtype, [-1, -2, -3, -4]]], {}, `bytes ${dtype}`);
    }
  });

  it('mixed input dtypes convert as the reference does', () => {
    const r = rng(9);
    const c = values(r, 12, 'bool');
    compareKernel('Where', [[[3, 4], 'bool', c], [[3, 4], 'int32', values(r, 12, 'int32')], [[4], 'float64', values(r, 4, 'float64')]], {}, 'int32 ← float64');
    compareKernel('Where', [[[3, 1], 'bool', c.slice(0, 3)], [[4], 'float32', values(r, 4, 'float32')], [[3, 4], 'float64', values(r, 12, 'float64')]], {}, 'float32 ← float64');
    compareKernel('Less', [[[3, 4], 'int32', values(r, 12, 'int32')], [[3, 1], 'float64', values(r, 3, 'float64')]], {}, 'Less int32 < float64');
  });
});

describe('fast Add / Sub / Mul / Div match the reference on every broadcast', () => {
  for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
    it(`random broadcasts, ${dtype}`, () => {
      const r = rng(dtype.length * 31337);
      for (let trial = 0; trial < 150; trial++) {
        const out = randomShape(r);
        const [sa, sb] = [broadcastOf(r, out), broadcastOf(r, out)];
        const n = (s: number[]) => s.reduce((p, d) => p * d, 1);
        const a = values(r, n(sa), dtype), b = values(r, n(sb), dtype);
        for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
          compareKernel(op, [[sa, dtype, a], [sb, dtype, b]], {}, `${op} ${dtype} [${sa}] [${sb}]`);
        }
      }
    });
  }
  it('an operand repeating along the last or a middle axis', () => {
    const r = rng(3);
    for (const [sa, sb] of [[[7, 3, 5], [7, 3, 1]], [[7, 1, 5], [7, 3, 5]], [[4, 1, 5], [1, 3, 1]], [[6, 5], [6, 1]]]) {
      const n = (s: number[]) => s.reduce((p, d) => p * d, 1);
      const a = values(r, n(sa!), 'float32'), b = values(r, n(sb!), 'float32');
      for (const op of ['Add', 'Sub', 'Mul', 'Div']) compareKernel(op, [[sa!, 'float32', a], [sb!, 'float32', b]], {}, `${op} [${sa}] [${sb}]`);
    }
  });
});

describe('fast Sum / Max match the reference', () => {
  for (const dtype of ['float32', 'float64', 'int32', 'bool'] as DType[]) {
    it(`random shapes and axes, ${dtype}`, () => {
      const before = memory().tensors;
      const r = rng(dtype.length * 104729);
      for (let trial = 0; trial < 200; trial++) {
        const shape = randomShape(r, 5);
        const axes = shape.map((_, i) => i).filter(() => r() < 0.5);
        const keepDims = r() < 0.5;
        const x = values(r, shape.reduce((p, d) => p * d, 1), dtype);
        const what = `${dtype} [${shape}] axes [${axes}] keepDims ${keepDims}`;
        compareKernel('Sum', [[shape, dtype, x]], { axes, keepDims }, `Sum ${what}`);
        compareKernel('Max', [[shape, dtype, x]], { axes, keepDims }, `Max ${what}`);
      }
      expect(memory().tensors).toBe(before);
    });
  }

  it('column and row sums on tiles with leftover rows (not a multiple of 4)', () => {
    const r = rng(77);
    for (const [shape, axes] of [[[13, 6], [0]], [[13, 6], [1]], [[3, 13, 6], [1]], [[2, 9, 3, 5], [0, 1]], [[5, 9, 3], [0, 2]]] as Array<[number[], number[]]>) {
      for (const dtype of ['float32', 'float64'] as DType[]) {
        const x = values(r, shape.reduce((p, d) => p * d, 1), dtype);
        compareKernel('Sum', [[shape, dtype, x]], { axes, keepDims: true }, `Sum [${shape}] [${axes}] ${dtype}`);
        compareKernel('Max', [[shape, dtype, x]], { axes, keepDims: false }, `Max [${shape}] [${axes}] ${dtype}`);
      }
    }
  });

  it('sums in float64 and in input order: float32 cancellation stays exact', () => {
    const backend = new CpuBackend();
    // Column 0 is 1e8, 1, -1e8 down the rows: float64 gives 1 exactly, float32 would give 0.
    const v = Float32Array.from([1e8, 2, 1, 3, -1e8, 4]);
    const x = { dataId: backend.write(v, [3, 2], 'float32'), shape: [3, 2], dtype: 'float32' as DType };
    const out = fast('Sum').run({ inputs: [x], attrs: { axes: [0], keepDims: false }, backend })[0]!;
    expect(Array.from(backend.values(out.dataId))).toEqual([1, 9]);
  });
});

describe('the CPU backend runs the fast kernels', () => {
  it('is registered for Where, Less, Equal, Sum, Max', () => {
    tensor([1]).dispose(); // the default backend installs its kernels on first use
    for (const name of ['Where', 'Less', 'Equal', 'Sum', 'Max']) expect(getKernel('cpu', name)).toBe(fast(name));
  });

  it('gives the documented results through the ops', () => {
    const before = memory().tensors;
    const ids = tensor([[1, 4], [2, 1]], [2, 2], 'int32');
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const row = tensor([9, -9], [1, 2]);
    const masked = scope(() => where(expandDims(equal(ids, 1), -1), row, x));
    expect(Array.from(masked.dataSync())).toEqual([9, -9, 3, 4, 5, 6, 9, -9]);
    const cols = sum(x, [0, 1]);
    expect(Array.from(cols.dataSync())).toEqual([16, 20]);
    const m = max(x, 0);
    expect(Array.from(m.dataSync())).toEqual([5, 6, 7, 8]);
    const lt = less(x, 4);
    expect(Array.from(lt.dataSync())).toEqual([1, 1, 1, 0, 0, 0, 0, 0]);
    for (const t of [ids, x, row, masked, cols, m, lt]) t.dispose();
    expect(memory().tensors).toBe(before);
  });
});
