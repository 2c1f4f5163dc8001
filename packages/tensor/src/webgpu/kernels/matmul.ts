/**
 * WebGPU batched matmul, register-blocked: each thread accumulates an `rm`×4 block of C in `vec4`
 * registers; a workgroup stages BK-deep slices of A (k-major) and B (as `vec4` rows) in workgroup
 * memory, loading them from storage as `vec4` when the contiguous dimension allows. The tiling
 * (block, tile, vec4 operands, split K) is chosen per product by `chooseTiling` from the shape and
 * the device limits; transposes and tiling are part of the pipeline key, sizes travel as uniforms.
 * The (row tile × batch × K slice) grid folds into (y, z) to stay under the per-dimension limit.
 */
import type { TensorInfo } from '../../backend.js';
import type { DType } from '../../dtype.js';
import type { WebGPUBackend } from '../backend.js';
import { linearMain, runProgram, type Program } from '../program.js';
import { assertGpuDtypes, wgslType, type Cfg } from './common.js';
import { BK, chooseTiling, type MatmulDims, type MatmulTiling } from './matmul-tiling.js';

/** WGSL filling `As` ([BK][bm], k-major) from A, scalar or vec4, for either layout of A. */
function loadA(tl: MatmulTiling, ta: boolean, t: string): string {
  const { bm } = tl, nt = tl.tx * tl.ty;
  if (tl.vecA) {
    const idx = ta
      ? `let kk = e / ${bm / 4}u; let q = e % ${bm / 4}u; let gi = row0 + 4u * q; let gk = k0 + kk;`
      : `let i = e / ${BK / 4}u; let q = e % ${BK / 4}u; let gi = row0 + i; let gk = k0 + 4u * q;`;
    const at = ta ? '(aBase + gk * u.m + gi) / 4u' : '(aBase + gi * u.k + gk) / 4u';
    const store = ta
      ? [0, 1, 2, 3].map((c) => `As[kk * ${bm}u + 4u * q + ${c}u] = v[${c}];`).join(' ')
      : [0, 1, 2, 3].map((c) => `As[(4u * q + ${c}u) * ${bm}u + i] = v[${c}];`).join(' ');
    return `  for (var e = lidx; e < ${(bm * BK) / 4}u; e = e + ${nt}u) {
    ${idx}
    var v = vec4<${t}>();
    if (gi < u.m && gk < kEnd) { v = a[${at}]; }
    ${store}
  }`;
  }
  const idx = ta ? `let kk = e / ${bm}u; let i = e % ${bm}u;` : `let i = e / ${BK}u; let kk = e % ${BK}u;`;
  const at = ta ? 'aBase + gk * u.m + gi' : 'aBase + gi * u.k + gk';
  return `  for (var e = lidx; e < ${bm * BK}u; e = e + ${nt}u) {
    ${idx} let gi = row0 + i; let gk = k0 + kk;
    var v = ${t}(0);
    if (gi < u.m && gk < kEnd) { v = a[${at}]; }
    As[kk * ${bm}u + i] = v;
  }`;
}

/** WGSL filling `Bs` ([BK][bn/4] vec4s) from B, scalar or vec4, for either layout of B. */
function loadB(tl: MatmulTiling, tb: boolean, t: string): string {
  const { bn } = tl, nt = tl.tx * tl.ty, row = bn / 4;
  if (tl.vecB && !tb) {
    return `  for (var e = lidx; e < ${(bn * BK) / 4}u; e = e + ${nt}u) {
    let kk = e / ${row}u; let q = e % ${row}u; let gk = k0 + kk; let gj = col0 + 4u * q;
    var v = vec4<${t}>();
    if (gk < kEnd && gj < u.n) { v = b[(bBase + gk * u.n + gj) / 4u]; }
    Bs[e] = v;
  }`;
  }
  if (tl.vecB) {
    const store = [0, 1, 2, 3].map((c) => `Bs[(4u * q + ${c}u) * ${row}u + j / 4u][j % 4u] = v[${c}];`).join(' ');
    return `  for (var e = lidx; e < ${(bn * BK) / 4}u; e = e + ${nt}u) {
    let j = e / ${BK / 4}u; let q = e % ${BK / 4}u; let gk = k0 + 4u * q; let gj = col0 + j;
    var v = vec4<${t}>();
    if (gk < kEnd && gj < u.n) { v = b[(bBase + gj * u.k + gk) / 4u]; }
    ${store}
  }`;
  }
  const idx = tb ? `let j = e / ${BK}u; let kk = e % ${BK}u;` : `let kk = e / ${bn}u; let j = e % ${bn}u;`;
  const at = tb ? 'bBase + gj * u.k + gk' : 'bBase + gk * u.n + gj';
  return `  for (var e = lidx; e < ${bn * BK}u; e = e + ${nt}u) {
    ${idx} let gk = k0 + kk; let gj = col0 + j;
    var v = ${t}(0);
    if (gk < kEnd && gj < u.n) { v = b[${at}]; }
    Bs[kk * ${row}u + j / 4u][j % 4u] = v;
  }`;
}

/** WGSL storing the accumulators (vec4 rows when N is a multiple of 4). */
function storeC(tl: MatmulTiling): string {
  const lines: string[] = [];
  for (let r = 0; r < tl.rm; r++) {
    const st = tl.vecC
      ? `c[(cBase + gi * u.n + gj) / 4u] = acc${r};`
      : [0, 1, 2, 3].map((x) => `if (gj + ${x}u < u.n) { c[cBase + gi * u.n + gj + ${x}u] = acc${r}[${x}]; }`).join('\n      ');
    lines.push(`  { let gi = row0 + lid.y * ${tl.rm}u + ${r}u;
    if (gi < u.m && gj < u.n) {
      ${st}
    }
  }`);
  }
  return lines.join('\n');
}

/**
 * Row strips (M ≤ 4, one workgroup row of threads): every B element is used by one thread only, so B
 * is read straight from storage, 4 K rows at a time (`b0..b3`, each 4 columns as a vec4) — coalesced
 * across threads for B as stored, a 4×4 block transposed in registers for Bᵀ — and only A is staged.
 */
function rowStripB(tl: MatmulTiling, tb: boolean, t: string): string {
  const ks = [0, 1, 2, 3];
  if (tb && tl.vecB) {
    const cols = ks.map((c) => `    var v${c} = vec4<${t}>();
    if (gk < kEnd && gj + ${c}u < u.n) { v${c} = b[(bBase + (gj + ${c}u) * u.k + gk) / 4u]; }`).join('\n');
    return `${cols}\n${ks.map((i) => `    let b${i} = vec4<${t}>(v0[${i}], v1[${i}], v2[${i}], v3[${i}]);`).join('\n')}`;
  }
  if (!tb && tl.vecB) {
    return ks.map((i) => `    var b${i} = vec4<${t}>();
    if (gk + ${i}u < kEnd && gj < u.n) { b${i} = b[(bBase + (gk + ${i}u) * u.n + gj) / 4u]; }`).join('\n');
  }
  return ks.map((i) => `    let b${i} = vec4<${t}>(${ks.map((c) => `ldb(gk + ${i}u, gj + ${c}u, kEnd, bBase)`).join(', ')});`).join('\n');
}

/** The row strip's scalar B load (zero outside the matrix or past the K slice). */
function rowStripHelper(tb: boolean, t: string): string {
  return `fn ldb(k: u32, j: u32, kEnd: u32, bBase: u32) -> ${t} {
  if (k >= kEnd || j >= u.n) { return ${t}(0); }
  return b[${tb ? 'bBase + j * u.k + k' : 'bBase + k * u.n + j'}];
}`;
}

function matmulProgram(dtype: DType, ta: boolean, tb: boolean, tl: MatmulTiling): Program {
  const t = wgslType(dtype), v4 = `vec4<${t}>`;
  const { tx, ty, rm, bm, bn } = tl;
  const acc = Array.from({ length: rm }, (_, r) => `  var acc${r} = ${v4}();`).join('\n');
  const fmaRows = Array.from({ length: rm }, (_, r) => `      acc${r} = acc${r} + As[ab + ${r}u] * bv;`).join('\n');
  const row = tl.kind === 'row';
  const inner = row
    ? `${loadA(tl, ta, t)}
    workgroupBarrier();
    for (var kq = 0u; kq < ${BK}u; kq = kq + 4u) {
      let gk = k0 + kq;
${rowStripB(tl, tb, t)}
${Array.from({ length: rm }, (_, r) => `      acc${r} = acc${r} + As[kq * ${bm}u + ${r}u] * b0 + As[(kq + 1u) * ${bm}u + ${r}u] * b1 + As[(kq + 2u) * ${bm}u + ${r}u] * b2 + As[(kq + 3u) * ${bm}u + ${r}u] * b3;`).join('\n')}
    }
    workgroupBarrier();`
    : `${loadA(tl, ta, t)}
${loadB(tl, tb, t)}
    workgroupBarrier();
    for (var kk = 0u; kk < ${BK}u; kk = kk + 1u) {
      let bv = Bs[kk * ${bn / 4}u + lid.x];
      let ab = kk * ${bm}u + lid.y * ${rm}u;
${fmaRows}
    }
    workgroupBarrier();`;
  const flags = `${tl.vecA ? 'A' : 'a'}${tl.vecB ? 'B' : 'b'}${tl.vecC ? 'C' : 'c'}`;
  return {
    key: `matmul:${dtype}:${ta}:${tb}:${tx}x${ty}x${rm}:${flags}`,
    label: `BatchMatMul (${dtype}${ta ? ', Aᵀ' : ''}${tb ? ', Bᵀ' : ''}, ${tl.kind} ${bm}×${bn} tile, ${rm}×4 per thread)`,
    bindings: [
      { name: 'a', type: tl.vecA ? v4 : t, access: 'read' }, { name: 'b', type: tl.vecB ? v4 : t, access: 'read' },
      { name: 'c', type: tl.vecC ? v4 : t, access: 'read_write' },
    ],
    uniforms: [
      { name: 'm', type: 'u32' }, { name: 'k', type: 'u32' }, { name: 'n', type: 'u32' },
      { name: 'batch', type: 'u32' }, { name: 'aoff', type: 'u32' }, { name: 'boff', type: 'u32' },
      { name: 'tilesM', type: 'u32' }, { name: 'splits', type: 'u32' }, { name: 'kChunk', type: 'u32' },
    ],
    body: () => `
var<workgroup> As: array<${t}, ${bm * BK}>;
${row ? (tl.vecB ? '' : rowStripHelper(tb, t)) : `var<workgroup> Bs: array<${v4}, ${(bn / 4) * BK}>;`}
@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {
  let lin = wid.y + wid.z * nwg.y;
  let perSlice = u.tilesM * u.batch;
  let slice = lin / perSlice;
  if (slice >= u.splits) { return; }
  let batch = (lin % perSlice) / u.tilesM;
  let row0 = (lin % u.tilesM) * ${bm}u;
  let col0 = wid.x * ${bn}u;
  let aBase = u.aoff * batch;
  let bBase = u.boff * batch;
  let kBeg = slice * u.kChunk;
  let kEnd = min(u.k, kBeg + u.kChunk);
${acc}
  let gj = col0 + lid.x * 4u;
  for (var k0 = kBeg; k0 < kEnd; k0 = k0 + ${BK}u) {
${inner}
  }
  let cBase = (slice * u.batch + batch) * u.m * u.n;
${storeC(tl)}
}`,
  };
}

/** Sums `splits` partial products [splits, size] into [size]. */
function splitSumProgram(dtype: DType): Program {
  const t = wgslType(dtype);
  return {
    key: `matmul-split-sum:${dtype}`,
    label: `BatchMatMul split-K sum (${dtype})`,
    bindings: [{ name: 'parts', type: t, access: 'read' }, { name: 'c', type: t, access: 'read_write' }],
    uniforms: [{ name: 'size', type: 'u32' }, { name: 'splits', type: 'u32' }],
    body: () => linearMain(64, `  var s = parts[idx];
  for (var p = 1u; p < u.splits; p = p + 1u) { s = s + parts[p * u.size + idx]; }
  c[idx] = s;`),
  };
}

/** Counts of the last products, by tiling kind (tests and the bench read them). */
export const matmulStats = { byKind: {} as Record<string, number>, splitK: 0 };

/**
 * Records C = op(A)·op(B) on raw buffers: A holds `batchA` matrices (1 = broadcast), B `batchB`.
 * Exported for the fused kernels (e.g. dW_hh over all time steps in one product).
 */
export function matmulInto(
  backend: WebGPUBackend, dtype: DType, a: GPUBuffer, b: GPUBuffer, c: GPUBuffer,
  dims: MatmulDims & { batchA: number; batchB: number },
): void {
  const { batch, m, k, n } = dims;
  if (batch * m * n === 0) return;
  const tl = chooseTiling(dims, backend.limits);
  const tilesM = Math.ceil(m / tl.bm), tilesN = Math.ceil(n / tl.bn);
  const maxDim = backend.limits.maxComputeWorkgroupsPerDimension;
  const rows = tilesM * batch * tl.splits;
  const gy = Math.min(rows, maxDim), gz = Math.ceil(rows / gy);
  if (tilesN > maxDim || gz > maxDim) throw new Error(`webgpu: BatchMatMul: [${batch},${m},${n}] output needs too many workgroups`);
  matmulStats.byKind[tl.kind] = (matmulStats.byKind[tl.kind] ?? 0) + 1;
  const size = batch * m * n;
  const parts = tl.splits > 1 ? backend.makeOutput('BatchMatMul split-K', [tl.splits, size], dtype) : null;
  const uniforms = {
    m, k, n, batch, aoff: dims.batchA === 1 ? 0 : m * k, boff: dims.batchB === 1 ? 0 : k * n, tilesM,
    splits: tl.splits, kChunk: tl.kChunk,
  };
  const out = parts ? backend.buffer(parts.dataId) : c;
  runProgram(backend, matmulProgram(dtype, dims.transposeA, dims.transposeB, tl), [a, b, out], uniforms, [tilesN, gy, gz]);
  if (parts) {
    matmulStats.splitK++;
    runProgram(backend, splitSumProgram(dtype), [out, c], { size, splits: tl.splits }, { threads: size, wg: 64 });
    backend.release(parts.dataId);
  }
}

/** BatchMatMul on TensorInfos (rank 3 each), returning the new [batch, M, N] output. */
export function runMatMul(backend: WebGPUBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  assertGpuDtypes('BatchMatMul', [a, b]);
  const [ba, a1, a2] = a.shape as [number, number, number];
  const [bb, b1, b2] = b.shape as [number, number, number];
  const m = transposeA ? a2 : a1, k = transposeA ? a1 : a2, n = transposeB ? b1 : b2;
  const batch = Math.max(ba, bb);
  const out = backend.makeOutput('BatchMatMul', [batch, m, n], a.dtype);
  // K = 0 needs no special case: the K loop does not run and every output is stored as 0.
  matmulInto(backend, a.dtype, backend.buffer(a.dataId), backend.buffer(b.dataId), backend.buffer(out.dataId),
    { batch, batchA: ba, batchB: bb, m, k, n, transposeA, transposeB });
  return out;
}

const batchMatMul: Cfg = {
  name: 'BatchMatMul', backend: 'webgpu',
  run: ({ inputs: [a, b], attrs, backend }) => {
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    return [runMatMul(backend, a!, b!, transposeA, transposeB)];
  },
};

export const matmulKernels: Cfg[] = [batchMatMul];
