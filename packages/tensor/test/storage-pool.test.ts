/** The CPU storage pool: released arrays are reused, zeroed where callers expect zeros, never shared. */
import { afterEach, describe, expect, it } from 'vitest';
import { add, emptyCpuCache, exp, full, gather, matMul, mul, neg, ones, pooledBytes, randomNormal, randomUniform, reshape, less, scope, tensor, where, zeros, type Tensor } from '../src/index.js';
import { CpuBackend } from '../src/backend-entry.js';

const N = 1 << 16; // 256 KiB of float32: above the pool's minimum size
const LIMIT = 256 * 2 ** 20;

afterEach(() => emptyCpuCache(LIMIT));

describe('CPU storage pool', () => {
  it('reuses a released array and zero-fills it for ops that expect zeros', () => {
    emptyCpuCache(LIMIT);
    const a = full([N], 7);
    a.dispose();
    expect(pooledBytes()).toBe(N * 4);
    const z = zeros([N]);
    expect(pooledBytes()).toBe(0); // taken from the pool…
    expect(z.dataSync().every((v) => v === 0)).toBe(true); // …and cleared
    z.dispose();
  });

  it('never changes arrays handed to the user', () => {
    emptyCpuCache(LIMIT);
    const a = ones([N]);
    const read = a.dataSync();
    a.dispose();
    const b = full([N], 3);
    expect(read.every((v) => v === 1)).toBe(true);
    expect(b.dataSync().every((v) => v === 3)).toBe(true);
    b.dispose();
  });

  it('keeps storage shared by reshape until the last view is gone', () => {
    emptyCpuCache(LIMIT);
    const a = full([N], 2);
    const r = reshape(a, [N / 4, 4]);
    a.dispose();
    expect(pooledBytes()).toBe(0);
    const other = full([N], 5);
    expect(r.dataSync().every((v) => v === 2)).toBe(true);
    r.dispose();
    other.dispose();
    expect(pooledBytes()).toBe(2 * N * 4);
  });

  it('pools an array two storages adopted only when both are released; never views and small arrays', () => {
    emptyCpuCache(LIMIT);
    const be = new CpuBackend();
    const arr = new Float32Array(N);
    const id1 = be.adopt(arr), id2 = be.adopt(arr);
    be.release(id1);
    expect(pooledBytes()).toBe(0); // id2 still uses it
    be.release(id2);
    expect(pooledBytes()).toBe(N * 4);
    emptyCpuCache(LIMIT);
    const big = new Float32Array(2 * N);
    be.release(be.adopt(big.subarray(0, N)));
    be.release(be.adopt(new Float32Array(16)));
    expect(pooledBytes()).toBe(0);
  });

  it('evicts the least recently released arrays past its limit, and 0 turns it off', () => {
    emptyCpuCache(3 * N * 4);
    const ts = [1, 2, 3, 4].map((v) => full([N], v));
    for (const t of ts) t.dispose();
    expect(pooledBytes()).toBe(3 * N * 4);
    emptyCpuCache(0);
    full([N], 1).dispose();
    expect(pooledBytes()).toBe(0);
  });

  it('gives products the same values with recycled output storage', () => {
    emptyCpuCache(LIMIT);
    const a = tensor(Float32Array.from({ length: 256 * 256 }, (_, i) => (i % 13) - 6), [256, 256]);
    const first = matMul(a, a);
    const want = first.dataSync();
    first.dispose();
    const again = matMul(a, a);
    expect(again.dataSync()).toEqual(want);
    again.dispose();
    a.dispose();
  });

  // Kernels that take uninitialised pooled storage must write every element: poison the pool with
  // NaN-filled arrays of the output's size first, then look for NaN in the result.
  const R = 256, C = 256; // R·C floats = 256 KiB
  const cases: Array<[string, () => Tensor]> = [
    ['fill', () => full([R, C], 2)],
    ['randomUniform', () => randomUniform([R, C], 0, 1, { seed: 3 })],
    ['randomNormal', () => randomNormal([R, C], 0, 1, { seed: 3 })],
    ['add (same shape)', () => add(ones([R, C]), ones([R, C]))],
    ['mul (scalar)', () => mul(ones([R, C]), 3)],
    ['add (row broadcast)', () => add(ones([R, C]), ones([C]))],
    ['add (column broadcast, strided)', () => add(ones([R, 1]), ones([1, C]))],
    ['neg, exp (unary)', () => exp(neg(ones([R, C])))],
    ['where', () => where(less(randomUniform([R, C], 0, 1, { seed: 5 }), 0.5), ones([R, C]), 0)],
    ['gather', () => gather(ones([R, C]), tensor(Int32Array.from({ length: R }, (_, i) => R - 1 - i), [R], 'int32'), 0)],
  ];
  for (const [name, make] of cases) {
    it(`${name} overwrites every element of recycled storage`, () => {
      emptyCpuCache(LIMIT);
      const poison = Array.from({ length: 6 }, () => full([R, C], NaN));
      for (const t of poison) t.dispose();
      expect(pooledBytes()).toBe(6 * R * C * 4);
      const t = scope(make); // inputs made inside are disposed, the result kept
      expect(t.dataSync().some((v) => Number.isNaN(v))).toBe(false);
      t.dispose();
    });
  }
});
