/**
 * WebGPU batched matmul: 16×16 output tiles per workgroup, A and B tiles staged in workgroup memory
 * over K. Transpose flags are part of the pipeline key; M, K, N, batch strides are uniforms. The
 * row-tile × batch grid folds into (y, z) so large batches stay under 65,535 workgroups per dimension.
 */
import type { TensorInfo } from '../../backend.js';
import type { DType } from '../../dtype.js';
import type { WebGPUBackend } from '../backend.js';
import { runProgram, type Program } from '../program.js';
import { assertGpuDtypes, wgslType, type Cfg } from './common.js';

const TILE = 16;

function matmulProgram(dtype: DType, ta: boolean, tb: boolean): Program {
  const t = wgslType(dtype);
  const zero = t === 'f32' ? '0.0' : t === 'i32' ? '0' : '0u';
  const aAt = ta ? 'a[u.aoff * batch + k * u.m + i]' : 'a[u.aoff * batch + i * u.k + k]';
  const bAt = tb ? 'b[u.boff * batch + j * u.k + k]' : 'b[u.boff * batch + k * u.n + j]';
  return {
    key: `matmul:${dtype}:${ta}:${tb}`,
    label: `BatchMatMul (${dtype}${ta ? ', Aᵀ' : ''}${tb ? ', Bᵀ' : ''})`,
    bindings: [
      { name: 'a', type: t, access: 'read' }, { name: 'b', type: t, access: 'read' },
      { name: 'c', type: t, access: 'read_write' },
    ],
    uniforms: [
      { name: 'm', type: 'u32' }, { name: 'k', type: 'u32' }, { name: 'n', type: 'u32' },
      { name: 'batch', type: 'u32' }, { name: 'aoff', type: 'u32' }, { name: 'boff', type: 'u32' },
      { name: 'tilesM', type: 'u32' },
    ],
    body: () => `
var<workgroup> tileA: array<array<${t}, ${TILE}>, ${TILE}>;
var<workgroup> tileB: array<array<${t}, ${TILE}>, ${TILE}>;
fn load_a(batch: u32, i: u32, k: u32) -> ${t} {
  if (i >= u.m || k >= u.k) { return ${zero}; }
  return ${aAt};
}
fn load_b(batch: u32, k: u32, j: u32) -> ${t} {
  if (k >= u.k || j >= u.n) { return ${zero}; }
  return ${bAt};
}
@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
  let lin = wid.y + wid.z * nwg.y;
  let batch = lin / u.tilesM;
  if (batch >= u.batch) { return; }
  let row = (lin % u.tilesM) * ${TILE}u + lid.y;
  let col = wid.x * ${TILE}u + lid.x;
  var acc: ${t} = ${zero};
  for (var k0 = 0u; k0 < u.k; k0 = k0 + ${TILE}u) {
    tileA[lid.y][lid.x] = load_a(batch, row, k0 + lid.x);
    tileB[lid.y][lid.x] = load_b(batch, k0 + lid.y, col);
    workgroupBarrier();
    for (var kk = 0u; kk < ${TILE}u; kk = kk + 1u) {
      acc = acc + tileA[lid.y][kk] * tileB[kk][lid.x];
    }
    workgroupBarrier();
  }
  if (row < u.m && col < u.n) { c[(batch * u.m + row) * u.n + col] = acc; }
}`,
  };
}

/**
 * Records C = op(A)·op(B) on raw buffers: A holds `batchA` matrices (1 = broadcast), B `batchB`.
 * Exported for the fused kernels (e.g. dW_hh over all time steps in one product).
 */
export function matmulInto(
  backend: WebGPUBackend, dtype: DType, a: GPUBuffer, b: GPUBuffer, c: GPUBuffer,
  dims: { batch: number; batchA: number; batchB: number; m: number; k: number; n: number; transposeA: boolean; transposeB: boolean },
): void {
  const { batch, m, k, n } = dims;
  if (batch * m * n === 0) return;
  const tilesM = Math.ceil(m / TILE), tilesN = Math.ceil(n / TILE);
  const maxDim = backend.limits.maxComputeWorkgroupsPerDimension;
  const rows = tilesM * batch;
  const gy = Math.min(rows, maxDim), gz = Math.ceil(rows / gy);
  if (tilesN > maxDim || gz > maxDim) throw new Error(`webgpu: BatchMatMul: [${batch},${m},${n}] output needs too many workgroups`);
  runProgram(backend, matmulProgram(dtype, dims.transposeA, dims.transposeB), [a, b, c], {
    m, k, n, batch, aoff: dims.batchA === 1 ? 0 : m * k, boff: dims.batchB === 1 ? 0 : k * n, tilesM,
  }, [tilesN, gy, gz]);
}

/** BatchMatMul on TensorInfos (rank 3 each), returning the new [batch, M, N] output. */
export function runMatMul(backend: WebGPUBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  assertGpuDtypes('BatchMatMul', [a, b]);
  const [ba, a1, a2] = a.shape as [number, number, number];
  const [bb, b1, b2] = b.shape as [number, number, number];
  const m = transposeA ? a2 : a1, k = transposeA ? a1 : a2, n = transposeB ? b1 : b2;
  const batch = Math.max(ba, bb);
  const out = backend.makeOutput('BatchMatMul', [batch, m, n], a.dtype);
  // K = 0 needs no special case: the tile loop does not run and every output is stored as 0.
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
