/** CPU batched matmul (reference path; the WASM SIMD kernel replaces it through the registry). */
import type { KernelConfig } from '../registry.js';
import { allocFor, type TypedArray } from '../dtype.js';
import type { CpuBackend } from './cpu-backend.js';

/**
 * C[b] = op(A[b]) · op(B[b]) for row-major A, B. op transposes when the flag is set.
 * Loops are ordered i-k-j so the innermost loop walks rows of B and C contiguously.
 */
export function matMulImpl(
  a: TypedArray, b: TypedArray, out: TypedArray, batch: number, batchA: number, batchB: number,
  m: number, k: number, n: number, transposeA: boolean, transposeB: boolean,
): void {
  const row = new Float64Array(n);
  for (let bi = 0; bi < batch; bi++) {
    const aOff = (batchA === 1 ? 0 : bi) * m * k;
    const bOff = (batchB === 1 ? 0 : bi) * k * n;
    const cOff = bi * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const av = transposeA ? a[aOff + p * m + i]! : a[aOff + i * k + p]!;
        if (av === 0) continue;
        if (transposeB) {
          for (let j = 0; j < n; j++) row[j]! += av * b[bOff + j * k + p]!;
        } else {
          const bRow = bOff + p * n;
          for (let j = 0; j < n; j++) row[j]! += av * b[bRow + j]!;
        }
      }
      for (let j = 0; j < n; j++) out[cOff + i * n + j] = row[j]!;
    }
  }
}

const batchMatMul: KernelConfig<'BatchMatMul', CpuBackend> = {
  name: 'BatchMatMul',
  backend: 'cpu',
  run: ({ inputs: [a, b], attrs, backend }) => {
    const [ba, a1, a2] = a!.shape as [number, number, number];
    const [bb, b1, b2] = b!.shape as [number, number, number];
    const m = attrs.transposeA ? a2 : a1;
    const k = attrs.transposeA ? a1 : a2;
    const n = attrs.transposeB ? b1 : b2;
    const batch = Math.max(ba, bb);
    const out = allocFor(a!.dtype, batch * m * n);
    const av = backend.values(a!.dataId), bv = backend.values(b!.dataId);
    // Skipping zeros would turn NaN*0 into 0; only take the shortcut when B is all finite.
    matMulImpl(av, bv, out, batch, ba, bb, m, k, n, attrs.transposeA, attrs.transposeB);
    if (!allFinite(bv)) naiveFix(av, bv, out, batch, ba, bb, m, k, n, attrs.transposeA, attrs.transposeB);
    return [backend.out(out, [batch, m, n], a!.dtype)];
  },
};

function allFinite(v: TypedArray): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return false;
  return true;
}

/** Recomputes without the zero shortcut so NaN/Inf propagate exactly as IEEE products do. */
function naiveFix(
  a: TypedArray, b: TypedArray, out: TypedArray, batch: number, ba: number, bb: number,
  m: number, k: number, n: number, ta: boolean, tb: boolean,
): void {
  for (let bi = 0; bi < batch; bi++) {
    const aOff = (ba === 1 ? 0 : bi) * m * k, bOff = (bb === 1 ? 0 : bi) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          s += (ta ? a[aOff + p * m + i]! : a[aOff + i * k + p]!) * (tb ? b[bOff + j * k + p]! : b[bOff + p * n + j]!);
        }
        out[bi * m * n + i * n + j] = s;
      }
    }
  }
}

export const matmulKernels = [batchMatMul] as KernelConfig<string, CpuBackend>[];
