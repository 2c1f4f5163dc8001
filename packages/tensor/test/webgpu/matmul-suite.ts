/**
 * The register-blocked WebGPU matmul, one case per shape class and operand layout, against a float64
 * product computed here in JS: the tiling the backend picked is checked too (a case that silently
 * fell into another class would not test what it names). Covers the row strip (M ≤ 4, an RNN step at
 * batch 1; B read straight from storage, as vec4 rows, as transposed 4×4 blocks or as scalars), the skinny tiles (B×H · H×4H at B ≤ 32), square and large tiles, scalar and vec4 loads
 * for every transpose, split K (the weight-gradient products over all T·B rows), broadcast batches
 * and the small-device tiling (a device that allows fewer threads per workgroup).
 */
import { describe, expect, it } from 'vitest';
import { matMul, scope, setBackend, tensor } from '../../src/index.js';
import type { WebGPUBackend } from '../../src/webgpu/index.js';
import { chooseTiling } from '../../src/webgpu/kernels/matmul-tiling.js';
import { matmulStats } from '../../src/webgpu/kernels/matmul.js';
import { cpu, freshWebgpu, webgpu } from './gpu.js';

interface Case { batchA: number; batchB: number; m: number; k: number; n: number; ta: boolean; tb: boolean; kind: string; split?: boolean }

function values(count: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/** float64 C[b] = op(A[b])·op(B[b]) with the layouts matMul sees. */
function reference(c: Case, a: Float32Array, b: Float32Array): Float64Array {
  const batch = Math.max(c.batchA, c.batchB), { m, k, n } = c;
  const out = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const ao = c.batchA === 1 ? 0 : p * m * k, bo = c.batchB === 1 ? 0 : p * k * n;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += a[ao + (c.ta ? q * m + i : i * k + q)]! * b[bo + (c.tb ? j * k + q : q * n + j)]!;
      out[(p * m + i) * n + j] = s;
    }
  }
  return out;
}

async function check(backend: WebGPUBackend, c: Case): Promise<void> {
  const a = values(c.batchA * c.m * c.k, 11 + c.m), b = values(c.batchB * c.k * c.n, 29 + c.n);
  const aShape = [c.batchA, c.ta ? c.k : c.m, c.ta ? c.m : c.k], bShape = [c.batchB, c.tb ? c.n : c.k, c.tb ? c.k : c.n];
  const tl = chooseTiling({ batch: Math.max(c.batchA, c.batchB), m: c.m, k: c.k, n: c.n, transposeA: c.ta, transposeB: c.tb }, backend.limits);
  expect(tl.kind, `tiling of ${JSON.stringify(c)}`).toBe(c.kind);
  expect(tl.splits > 1, `split K for ${JSON.stringify(c)}`).toBe(c.split ?? false);
  const before = matmulStats.byKind[c.kind] ?? 0;
  setBackend(backend);
  try {
    const y = scope(() => matMul(tensor(a, aShape), tensor(b, bShape), { transposeA: c.ta, transposeB: c.tb }));
    const got = await y.data().finally(() => y.dispose());
    expect(matmulStats.byKind[c.kind]).toBe(before + 1);
    const want = reference(c, a, b);
    expect(got.length).toBe(want.length);
    let worst = 0;
    want.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - got[i]!) / (1e-5 * Math.sqrt(c.k) + 1e-5 * Math.abs(v))); });
    expect(worst, `${JSON.stringify(c)}: worst error / tolerance`).toBeLessThan(1);
  } finally {
    setBackend(cpu);
  }
}

const cases: Case[] = [
  // One RNN step at batch 1 and 3: [B,H]·[H,4H] (W_hhᵀ as stored: transposeB), and untransposed.
  { batchA: 1, batchB: 1, m: 1, k: 128, n: 512, ta: false, tb: true, kind: 'row' },
  { batchA: 1, batchB: 1, m: 3, k: 65, n: 130, ta: false, tb: false, kind: 'row' },
  { batchA: 2, batchB: 2, m: 4, k: 36, n: 64, ta: true, tb: false, kind: 'row' },
  { batchA: 1, batchB: 2, m: 2, k: 37, n: 9, ta: false, tb: true, kind: 'row' },
  { batchA: 1, batchB: 1, m: 1, k: 2050, n: 64, ta: false, tb: true, kind: 'row', split: true },
  // Batch 32: the W1 step product, and unaligned edges (scalar loads, partial tiles).
  { batchA: 1, batchB: 1, m: 32, k: 128, n: 512, ta: false, tb: true, kind: 'skinny' },
  { batchA: 1, batchB: 1, m: 7, k: 65, n: 3, ta: false, tb: false, kind: 'skinny' },
  { batchA: 2, batchB: 1, m: 17, k: 33, n: 70, ta: true, tb: true, kind: 'skinny' },
  // Square tiles, every layout, aligned (vec4) and not.
  { batchA: 2, batchB: 2, m: 64, k: 64, n: 64, ta: false, tb: false, kind: 'square' },
  { batchA: 2, batchB: 2, m: 68, k: 36, n: 72, ta: true, tb: false, kind: 'square' },
  { batchA: 1, batchB: 3, m: 65, k: 17, n: 33, ta: true, tb: true, kind: 'square' },
  { batchA: 3, batchB: 1, m: 100, k: 44, n: 129, ta: false, tb: true, kind: 'square' },
  // Large tiles (8×4 per thread): the input projection of a whole sequence, [T·B,E]·[E,4H].
  { batchA: 1, batchB: 1, m: 520, k: 100, n: 260, ta: false, tb: true, kind: 'large' },
  // Weight gradients over all T·B rows: Xᵀ·dZ with K long and few output tiles → split K.
  { batchA: 1, batchB: 1, m: 36, k: 1500, n: 64, ta: true, tb: false, kind: 'square', split: true },
  { batchA: 1, batchB: 1, m: 40, k: 1037, n: 30, ta: true, tb: false, kind: 'square', split: true },
];

describe('WebGPU register-blocked matmul', () => {
  for (const c of cases) {
    const name = `${c.kind}${c.split ? ' split-K' : ''}: [${c.batchA},${c.m},${c.k}]${c.ta ? 'ᵀ' : ''} x [${c.batchB},${c.k},${c.n}]${c.tb ? 'ᵀ' : ''}`;
    it(`${name} matches float64`, async () => check(await webgpu(), c));
  }

  it('picks smaller tiles on a device with fewer threads per workgroup, and they are right', async () => {
    const small = await freshWebgpu({ limits: { maxComputeInvocationsPerWorkgroup: 32 } });
    try {
      await check(small, { batchA: 1, batchB: 1, m: 45, k: 70, n: 37, ta: false, tb: false, kind: 'small-device' });
    } finally {
      small.dispose();
    }
  });
});
