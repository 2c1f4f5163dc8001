/** Creation ops, dtype inference and promotion rules, and float64 precision on the CPU. */
import { describe, expect, it } from 'vitest';
import {
  add, arange, argMax, cast, dispose, div, equal, exp, full, less, log, matMul, mean, ones, onesLike, randomNormal,
  randomUniform, scope, sum, tensor, zeros, zerosLike, type Tensor,
} from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

/** Reads shape, dtype and nested values, then disposes. */
async function inspect(t: Tensor): Promise<{ shape: readonly number[]; dtype: string; value: unknown }> {
  try {
    return { shape: t.shape, dtype: t.dtype, value: await t.array() };
  } finally {
    t.dispose();
  }
}

describe('tensor()', () => {
  it('infers shape from nested arrays and defaults to float32', async () => {
    expect(await inspect(tensor([[1, 2, 3], [4, 5, 6]]))).toEqual({ shape: [2, 3], dtype: 'float32', value: [[1, 2, 3], [4, 5, 6]] });
    expect(await inspect(tensor(3.5))).toEqual({ shape: [], dtype: 'float32', value: 3.5 });
    expect(await inspect(tensor([]))).toEqual({ shape: [0], dtype: 'float32', value: [] });
    expect(await inspect(tensor([1, 2, 3, 4], [2, 1, 2]))).toEqual({ shape: [2, 1, 2], dtype: 'float32', value: [[[1, 2]], [[3, 4]]] });
  });

  it('infers dtype from booleans and typed arrays', async () => {
    expect(await inspect(tensor([true, false]))).toEqual({ shape: [2], dtype: 'bool', value: [true, false] });
    expect((await inspect(tensor(Int32Array.of(1, 2)))).dtype).toBe('int32');
    expect((await inspect(tensor(Float64Array.of(1, 2)))).dtype).toBe('float64');
    expect((await inspect(tensor(Uint8Array.of(1, 0)))).dtype).toBe('bool');
  });

  it('converts to an explicit dtype: int32 truncates toward zero, bool is x ≠ 0', async () => {
    expect((await inspect(tensor([1.7, -1.7, 2.5], [3], 'int32'))).value).toEqual([1, -1, 2]);
    expect((await inspect(tensor([0, 2, -0.5, NaN], [4], 'bool'))).value).toEqual([false, true, true, true]);
    expect((await inspect(tensor([0.1], [1], 'float64'))).value).toEqual([0.1]); // not rounded to float32
    expect((await inspect(tensor([0.1]))).value).toEqual([Math.fround(0.1)]);
  });

  it('copies its input (later mutation does not leak in)', async () => {
    const src = Float32Array.of(1, 2);
    const t = tensor(src);
    src[0] = 99;
    expect((await inspect(t)).value).toEqual([1, 2]);
  });
});

describe('creation ops', () => {
  it('zeros, ones, full, *Like keep shape and dtype', async () => {
    expect(await inspect(zeros([2, 2], 'int32'))).toEqual({ shape: [2, 2], dtype: 'int32', value: [[0, 0], [0, 0]] });
    expect(await inspect(ones([3], 'bool'))).toEqual({ shape: [3], dtype: 'bool', value: [true, true, true] });
    expect(await inspect(full([], -2.5, 'float64'))).toEqual({ shape: [], dtype: 'float64', value: -2.5 });
    const x = tensor([[1, 2]], [1, 2], 'int32');
    expect(await inspect(zerosLike(x))).toEqual({ shape: [1, 2], dtype: 'int32', value: [[0, 0]] });
    expect(await inspect(onesLike(x))).toEqual({ shape: [1, 2], dtype: 'int32', value: [[1, 1]] });
    x.dispose();
  });

  it('arange: stop only, start/stop/step, negative and fractional steps, empty', async () => {
    expect((await inspect(arange(4))).value).toEqual([0, 1, 2, 3]);
    expect((await inspect(arange(2, 8, 3))).value).toEqual([2, 5]);
    expect((await inspect(arange(3, 0, -1, 'int32'))).value).toEqual([3, 2, 1]);
    expect((await inspect(arange(0, 1, 0.25, 'float64'))).value).toEqual([0, 0.25, 0.5, 0.75]);
    expect((await inspect(arange(5, 5))).shape).toEqual([0]);
  });

  it('random ops take a dtype and an explicit seed', async () => {
    const u = await inspect(randomUniform([2, 3], -1, 1, { seed: 1, dtype: 'float64' }));
    expect(u.dtype).toBe('float64');
    expect(u.shape).toEqual([2, 3]);
    const n = randomNormal([4], 0, 1, { seed: 1, dtype: 'float64' });
    const n32 = randomNormal([4], 0, 1, { seed: 1 });
    await expectClose(n32, n, { atol: 1e-6, rtol: 1e-6 }); // same stream, two precisions
    dispose([n, n32]);
  });
});

describe('dtype rules', () => {
  it('a JS number takes the dtype of the tensor operand', async () => {
    const i = tensor([1, 2], [2], 'int32');
    expect(await inspect(add(i, 1.5))).toEqual({ shape: [2], dtype: 'int32', value: [2, 3] });
    const d = tensor([1], [1], 'float64');
    const r = add(d, 1e-12);
    expect(r.dtype).toBe('float64');
    expect((await r.data())[0]).toBe(1 + 1e-12);
    dispose([i, d, r]);
  });

  it('comparisons give bool, argMax int32, sum of bool int32, cast converts', async () => {
    const x = tensor([1, 3, 2]);
    expect((await inspect(less(x, 2))).dtype).toBe('bool');
    const eq = equal(x, 3);
    expect(await inspect(sum(eq))).toEqual({ shape: [], dtype: 'int32', value: 1 });
    eq.dispose();
    expect(await inspect(argMax(x))).toEqual({ shape: [], dtype: 'int32', value: 1 });
    expect(await inspect(cast(x, 'float64'))).toEqual({ shape: [3], dtype: 'float64', value: [1, 3, 2] });
    x.dispose();
  });

  it('integer division truncates toward zero (stored in int32)', async () => {
    const a = tensor([7, -7], [2], 'int32');
    expect((await inspect(div(a, 2))).value).toEqual([3, -3]);
    a.dispose();
  });
});

describe('float64', () => {
  it('keeps double precision through ops', async () => {
    const x = tensor([1e-10, 1, 300], [3], 'float64');
    const [e, y] = scope(() => [exp(x), log(exp(x))]);
    await expectClose(e, [Math.exp(1e-10), Math.E, Math.exp(300)], { atol: 0, rtol: 1e-15 }); // e^300 overflows float32
    await expectClose(y, [1e-10, 1, 300], { atol: 1e-15, rtol: 1e-15 });
    const s = scope(() => sum(tensor(new Array(10).fill(0.1), [10], 'float64')));
    expect((await s.data())[0]).toBeCloseTo(1, 15);
    const m = scope(() => mean(tensor([1, 2, 3, 4], [4], 'float64')));
    expect(await m.item()).toBe(2.5);
    dispose([x, e!, y!, s, m]);
  });

  it('matMul accumulates in double precision', async () => {
    // [1, 1e-8] · [1, 1e-8]ᵀ = 1 + 1e-16 is not representable; [1e-8, 1e-8]·[1e-8, 1e-8] = 2e-16 is.
    const a = tensor([[1e-8, 1e-8]], [1, 2], 'float64');
    const p = matMul(a, a, { transposeB: true });
    expect(p.dtype).toBe('float64');
    expect((await p.data())[0]).toBeCloseTo(2e-16, 30);
    dispose([a, p]);
  });
});
