/**
 * The CPU Slice and Pad kernels (contiguous-run copies) against per-element index arithmetic, on
 * random shapes, windows and paddings: size-0 axes, rank 0, every dtype, -0 and NaN pad values.
 */
import { describe, expect, it } from 'vitest';
import { memory, pad, slice, tensor, type DType, type TypedArray } from '../src/index.js';
import { CpuBackend, cpuKernels, type KernelConfig } from '../src/backend-entry.js';

type Cfg = KernelConfig<string, CpuBackend>;
const kernel = (name: string) => (cpuKernels as Cfg[]).find((k) => k.name === name)!;

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);

/** Row-major multi-index of flat position i in `shape`. */
function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) { idx[d] = i % shape[d]!; i = Math.floor(i / shape[d]!); }
  return idx;
}
const ravel = (idx: readonly number[], shape: readonly number[]) => idx.reduce((acc, v, d) => acc * shape[d]! + v, 0);

function run(name: string, shape: number[], dtype: DType, values: number[], attrs: Record<string, unknown>): { shape: readonly number[]; v: TypedArray } {
  const backend = new CpuBackend();
  const x = { dataId: backend.write(Float64Array.from(values), shape, dtype), shape, dtype };
  const out = kernel(name).run({ inputs: [x], attrs, backend })[0]!;
  return { shape: out.shape, v: backend.values(out.dataId) };
}

function expectSameValues(got: TypedArray, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${what}: element ${i}: ${got[i]} vs ${want[i]}`);
}

const DTYPES: DType[] = ['float32', 'float64', 'int32', 'bool'];
const sample = (r: () => number, n: number, dtype: DType) =>
  Array.from({ length: n }, (_, i) => (dtype === 'bool' ? (r() < 0.5 ? 1 : 0) : dtype === 'int32' ? i - 7 : i % 11 === 3 ? -0 : i + 0.5));

describe('CPU Slice copies exactly the window', () => {
  for (const dtype of DTYPES) {
    it(`random windows, ${dtype}`, () => {
      const before = memory().tensors;
      const r = rng(dtype.length * 97);
      for (let trial = 0; trial < 200; trial++) {
        const shape = Array.from({ length: Math.floor(r() * 5) }, () => Math.floor(r() * 5));
        const begin = shape.map((d) => Math.floor(r() * (d + 1)));
        const sz = shape.map((d, i) => (r() < 0.4 ? d - begin[i]! : Math.floor(r() * (d - begin[i]! + 1))));
        const x = sample(r, size(shape), dtype);
        const got = run('Slice', shape, dtype, x, { begin, size: sz });
        const want = Array.from({ length: size(sz) }, (_, i) => x[ravel(unravel(i, sz).map((v, d) => v + begin[d]!), shape)]!);
        const conv = Array.from(run('Slice', [want.length], dtype, want, { begin: [0], size: [want.length] }).v);
        expect(got.shape).toEqual(sz);
        expectSameValues(got.v, conv, `${dtype} [${shape}] begin [${begin}] size [${sz}]`);
      }
      expect(memory().tensors).toBe(before);
    });
  }
});

describe('CPU Pad places the input inside a filled frame', () => {
  for (const dtype of DTYPES) {
    it(`random paddings, ${dtype}`, () => {
      const r = rng(dtype.length * 131);
      for (let trial = 0; trial < 200; trial++) {
        const shape = Array.from({ length: Math.floor(r() * 5) }, () => Math.floor(r() * 4));
        const paddings = shape.map(() => [r() < 0.5 ? 0 : Math.floor(r() * 3), r() < 0.5 ? 0 : Math.floor(r() * 3)]);
        const value = [0, -0, 1.5, NaN, -3][Math.floor(r() * 5)]!;
        const x = sample(r, size(shape), dtype);
        const got = run('Pad', shape, dtype, x, { paddings, value });
        const outShape = shape.map((d, i) => d + paddings[i]![0]! + paddings[i]![1]!);
        const want = new (got.v.constructor as new (n: number) => TypedArray)(size(outShape)).fill(value);
        const xs = run('Slice', [x.length], dtype, x, { begin: [0], size: [x.length] }).v; // x in dtype
        for (let i = 0; i < x.length; i++) want[ravel(unravel(i, shape).map((v, d) => v + paddings[d]![0]!), outShape)] = xs[i]!;
        expect(got.shape).toEqual(outShape);
        expectSameValues(got.v, want, `${dtype} [${shape}] paddings ${JSON.stringify(paddings)} value ${value}`);
      }
    });
  }

  it('through the ops: slice then pad restores the frame', () => {
    const before = memory().tensors;
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const s = slice(x, [0, 1], [2, 2]);
    const p = pad(s, [[1, 0], [0, 1]], -1);
    expect(p.arraySync()).toEqual([[-1, -1, -1], [2, 3, -1], [5, 6, -1]]);
    for (const t of [x, s, p]) t.dispose();
    expect(memory().tensors).toBe(before);
  });
});
