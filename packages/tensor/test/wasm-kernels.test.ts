/**
 * The WebAssembly SIMD kernels of the CPU backend: they load in Node, the BatchMatMul override
 * matches the JS reference (including NaN/Inf semantics), and the embedded binary matches a fresh
 * build of assembly/ when the AssemblyScript compiler is installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { matMul, memory, setCpuSimd, tensor, type Tensor } from '../src/index.js';
import { rand, worst } from './fused-reference.js';

afterEach(() => {
  setCpuSimd('auto');
});

function product(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Float32Array {
  const y = matMul(a, b, { transposeA: ta, transposeB: tb });
  const v = y.dataSync() as Float32Array;
  y.dispose();
  return v;
}

describe('WebAssembly SIMD kernels', () => {
  it('load in Node (shared memory, SIMD)', () => {
    // Node 20 has relaxed SIMD behind a V8 flag that the runtime sets (relaxed-flag.ts).
    expect(setCpuSimd('auto')).toBe(process.env.RECUR_WASM_RELAXED === '0' ? 'simdShared' : 'relaxedShared');
    expect(setCpuSimd('simdShared')).toBe('simdShared');
    expect(setCpuSimd('simd')).toBe('simd');
    expect(setCpuSimd('off')).toBeNull();
  });

  const shapes: Array<[number, number, number, number, number]> = [
    // [batchA, batchB, m, k, n]: edges of the 4-row and 8-column tiles and the 1-row tail, k around the 4-step
    // unrolling and past one 256 block.
    [1, 1, 1, 1, 1], [1, 1, 7, 9, 13], [1, 1, 33, 65, 17], [2, 2, 5, 300, 9], [3, 1, 6, 31, 64],
    [1, 3, 4, 8, 8], [1, 1, 64, 513, 40], [1, 1, 11, 3, 8], [1, 1, 12, 6, 9], [1, 1, 17, 257, 31],
  ];
  for (const [ba, bb, m, k, n] of shapes) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`BatchMatMul [${ba},${m},${k}]${ta ? 'ᵀ' : ''} x [${bb},${k},${n}]${tb ? 'ᵀ' : ''} matches the reference`, () => {
        const before = memory().tensors;
        const a = tensor(rand(ba * m * k, m + k, 1), ba === 1 && bb === 1 ? (ta ? [k, m] : [m, k]) : [ba, ...(ta ? [k, m] : [m, k])]);
        const b = tensor(rand(bb * k * n, k + n, 1), ba === 1 && bb === 1 ? (tb ? [n, k] : [k, n]) : [bb, ...(tb ? [n, k] : [k, n])]);
        setCpuSimd('auto');
        const fast = product(a, b, ta, tb);
        setCpuSimd('off');
        const ref = product(a, b, ta, tb);
        expect(worst(fast, ref, 1e-5, 1e-5)).toBeLessThanOrEqual(1);
        a.dispose();
        b.dispose();
        expect(memory().tensors).toBe(before);
      });
    }
  }

  it('keeps the reference NaN/Inf semantics exactly', () => {
    const before = memory().tensors;
    const cases: number[][] = [[NaN, 1, 2, 3], [Infinity, 0, 1, 2], [-Infinity, Infinity, 1, 1], [1e30, 1e30, -1e30, 1]];
    for (const av of cases) {
      const a = tensor([...av, ...av], [2, 4]), b = tensor([0, 1, 2, 0, 1, -1, 3, 0], [4, 2]);
      setCpuSimd('auto');
      const fast = Array.from(product(a, b, false, false));
      setCpuSimd('off');
      const ref = Array.from(product(a, b, false, false));
      expect(fast).toEqual(ref);
      a.dispose();
      b.dispose();
    }
    expect(memory().tensors).toBe(before);
  });

  it('flushes float32 subnormal inputs to zero (differences below 1e-36)', () => {
    const a = tensor([1e-39, -2e-39, 1, 0.5, 3e-40, 2], [2, 3]), b = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    setCpuSimd('auto');
    const fast = product(a, b, false, false);
    setCpuSimd('off');
    const ref = product(a, b, false, false);
    expect(worst(fast, ref, 1e-36, 1e-6)).toBeLessThanOrEqual(1);
    expect(fast[0]).toBe(5); // row 0 · column 0 = 1e-39·1 − 2e-39·3 + 1·5: only the normal term survives
    a.dispose();
    b.dispose();
  });

  it('float64 stays on the JS path (exact float64 sums)', () => {
    const a = tensor([0.1, 0.2, 0.3], [1, 3], 'float64'), b = tensor([0.4, 0.5, 0.6], [3, 1], 'float64');
    const y = matMul(a, b);
    expect(y.dtype).toBe('float64');
    expect(y.dataSync()[0]).toBe(0.1 * 0.4 + 0.2 * 0.5 + 0.3 * 0.6);
    [a, b, y].forEach((t) => t.dispose());
  });

  const root = fileURLToPath(new URL('..', import.meta.url));
  const hasAsc = existsSync(`${root}node_modules/assemblyscript/bin/asc.js`);
  it.skipIf(!hasAsc)('the embedded binary matches a fresh build of assembly/', () => {
    const out = execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('up to date');
  }, 180_000);
});
