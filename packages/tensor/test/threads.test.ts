/**
 * Worker threads of the CPU backend's WebAssembly kernels: argument checks, bit-identical results
 * with 1 and 2 threads (matMul over many shapes, fused LSTM/GRU/RNN forward and backward), pools
 * replaced when the kernels change, and a process with live workers still exiting on its own.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getNumThreads, matMul, memory, setCpuSimd, setNumThreads, tensor, type Tensor } from '../src/index.js';
import { wasmRuntime } from '../src/cpu/wasm/runtime.js';
import { ThreadPool } from '../src/cpu/wasm/thread-pool.js';
import { MIN_PARALLEL_ELEMENTS, MIN_PARALLEL_MACS, splitCount } from '../src/cpu/wasm/threads.js';
import { runFused, type FusedRun } from './fused-harness.js';
import { cotangents, makeCase, rand, type Kind } from './fused-reference.js';

afterEach(() => {
  vi.unstubAllGlobals();
  setNumThreads(1);
  setCpuSimd('auto');
});

/** Bit patterns, so that -0/+0 and NaN payloads count as differences too. */
const bits = (v: Float32Array | Float64Array) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.byteLength / 4));

function product(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Float32Array {
  const y = matMul(a, b, { transposeA: ta, transposeB: tb });
  const v = y.dataSync() as Float32Array;
  y.dispose();
  return v;
}

describe('setNumThreads / getNumThreads', () => {
  it('default to 1 and round-trip', () => {
    expect(getNumThreads()).toBe(1);
    setNumThreads(2);
    expect(getNumThreads()).toBe(2);
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
  });

  it('reject counts that are not integers from 1 to 64', () => {
    for (const n of [0, -1, 1.5, NaN, Infinity, 65, '2' as unknown as number]) {
      expect(() => setNumThreads(n)).toThrow(RangeError);
      expect(() => setNumThreads(n)).toThrow(/setNumThreads: expected an integer from 1 to 64/);
    }
    expect(getNumThreads()).toBe(1);
  });

  it('refuse threads on the unshared-memory kernels, saying why', () => {
    setCpuSimd('simd');
    expect(() => setNumThreads(2)).toThrow(/unshared memory.*setCpuSimd\('auto'\)/);
    expect(getNumThreads()).toBe(1);
  });

  it('refuse threads without a shareable memory (a page that is not cross-origin isolated)', () => {
    vi.stubGlobal('crossOriginIsolated', false);
    expect(() => setNumThreads(2)).toThrow(/SharedArrayBuffer is not available.*cross-origin isolated/);
    expect(getNumThreads()).toBe(1);
  });
});

describe('2 threads give the 1-thread results bit for bit', () => {
  // [batchA, batchB, m, k, n]: m < 4, n not a multiple of 8, n < 32 (row split), batches and broadcasting.
  const shapes: Array<[number, number, number, number, number]> = [
    [1, 1, 2, 4096, 40], [1, 1, 3, 300, 301], [1, 1, 64, 70, 61], [1, 1, 200, 300, 7], [1, 1, 130, 90, 23],
    [2, 2, 33, 65, 130], [3, 1, 37, 129, 67], [1, 1, 128, 128, 128],
  ];
  for (const [ba, bb, m, k, n] of shapes) {
    it(`matMul [${ba},${m},${k}] x [${bb},${k},${n}], all transposes`, () => {
      expect(m * n * k).toBeGreaterThanOrEqual(MIN_PARALLEL_MACS); // big enough to be split
      const before = memory().tensors;
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const shapeA = ta ? [k, m] : [m, k], shapeB = tb ? [n, k] : [k, n];
        const a = tensor(rand(ba * m * k, m + k, 1), ba === 1 && bb === 1 ? shapeA : [ba, ...shapeA]);
        const b = tensor(rand(bb * k * n, k + n + 1, 1), ba === 1 && bb === 1 ? shapeB : [bb, ...shapeB]);
        const one = product(a, b, ta, tb);
        setNumThreads(2);
        const splits = splitCount();
        const two = product(a, b, ta, tb);
        expect(splitCount() - splits).toBe(Math.max(ba, bb)); // every product of the batch was split
        setNumThreads(1);
        expect(bits(two)).toEqual(bits(one));
        a.dispose();
        b.dispose();
      }
      expect(memory().tensors).toBe(before);
    });
  }

  // Per step, the product splits by columns and the gate math by rows (when B·H is large enough: not
  // for B = 6); padded rows included. H not a multiple of 8.
  const cases: Array<[Kind, number, number, number]> = [
    ['lstm', 5, 19, 110], ['gru', 5, 19, 110], ['rnn-tanh', 4, 19, 120], ['rnn-relu', 4, 19, 120], ['lstm', 3, 6, 128],
  ];
  for (const [kind, T, B, H] of cases) {
    it(`fused ${kind} T=${T} B=${B} H=${H}: forward outputs and gradients`, () => {
      const before = memory().tensors;
      const lengths = Array.from({ length: B }, (_, b) => Math.max(0, T - (b % (T + 1))));
      const c = makeCase(kind, T, B, H, lengths, 17, 0.3);
      const u = cotangents(c, 23);
      const one = runFused(c, u, 'float32');
      setNumThreads(2);
      const splits = splitCount();
      const two = runFused(c, u, 'float32');
      // every step's product, forward and backward, and its gate math when large enough
      expect(splitCount() - splits).toBeGreaterThanOrEqual((B * H >= MIN_PARALLEL_ELEMENTS ? 4 : 2) * T);
      setNumThreads(1);
      const flat = (r: FusedRun) => [...r.forward, ...Object.values(r.grads)].map(bits);
      expect(flat(two)).toEqual(flat(one));
      expect(memory().tensors).toBe(before);
    });
  }
});

describe('ThreadPool', () => {
  it('runs jobs with more parts than threads, and reports a failing kernel call, then keeps working', () => {
    const rt = wasmRuntime()!;
    const pool = new ThreadPool(rt, 2);
    const mark = rt.mark();
    try {
      // 8 parts, each filling its own 1000 floats through selectRows (dst[r] = src[r] on mask 1).
      const src = rt.put(Float32Array.from({ length: 8000 }, (_, i) => i)), dst = rt.alloc(8000), mask = rt.put([1]);
      pool.run(8, (p, exec) => exec('selectRows', dst + p * 4000, src + p * 4000, mask, 1, 1000));
      expect(Array.from(rt.take(dst, 8000))).toEqual(Array.from(rt.take(src, 8000)));
      // Out-of-bounds pointers trap in whichever thread claims the part; the error comes back here.
      const bad = 2 ** 31 - 64;
      expect(() => pool.run(2, (p, exec) => exec('selectRows', p ? bad : dst, src, mask, 1, 1000))).toThrow(/memory access out of bounds/);
      expect(() => pool.run(1, (_, exec) => exec('packB' as 'gemm', 0))).toThrow(/kernel 'packB' cannot run on a worker/);
      pool.run(2, (p, exec) => exec('selectRows', dst + p * 4, src + 8, mask, 1, 1));
      expect(Array.from(rt.take(dst, 2))).toEqual([2, 2]);
    } finally {
      rt.release(mark);
      pool.close();
    }
    expect(() => pool.run(1, () => undefined)).toThrow(/closed/);
  });
});

describe('worker lifecycle', () => {
  it('setCpuSimd replaces the pool: unshared kernels run alone, shared ones get new workers', () => {
    const a = tensor(rand(96 * 80, 1, 1), [96, 80]), b = tensor(rand(80 * 72, 2, 1), [80, 72]);
    setCpuSimd('simdShared'); // the same arithmetic as 'simd' (relaxed FMA rounds differently)
    const one = product(a, b, false, false);
    setNumThreads(2);
    setCpuSimd('simd');
    let splits = splitCount();
    expect(bits(product(a, b, false, false))).toEqual(bits(one));
    expect(splitCount()).toBe(splits); // one thread on unshared memory
    expect(getNumThreads()).toBe(2);
    setCpuSimd('simdShared');
    splits = splitCount();
    expect(bits(product(a, b, false, false))).toEqual(bits(one));
    expect(splitCount()).toBe(splits + 1); // workers on the new runtime's memory
    a.dispose();
    b.dispose();
  });

  it('a process that leaves threads on still exits', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const r = spawnSync(process.execPath, ['--conditions=@recur/source', '--import', 'tsx', join(here, 'threads-exit.child.ts')], {
      cwd: join(here, '..'), encoding: 'utf8', timeout: 30_000,
    });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ splits: 1, finite: true });
  });
});
