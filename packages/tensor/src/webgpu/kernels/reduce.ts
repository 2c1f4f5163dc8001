/**
 * WebGPU reductions: Sum, Max (NaN-propagating), ArgMax (first maximum wins, NaN counts as the
 * maximum, as on the CPU). One workgroup per output element: its threads stride over the reduced
 * elements, then fold a tree in workgroup memory, so one big reduction still runs in parallel.
 */
import type { TensorInfo } from '../../backend.js';
import type { DType } from '../../dtype.js';
import { WGSL_ELEMENTWISE_HELPERS } from '../../elementwise-table.js';
import { sizeOf, stridesOf } from '../../shape.js';
import type { WebGPUBackend } from '../backend.js';
import { gridFor, runProgram, type Program } from '../program.js';
import { assertGpuDtypes, offsetsFromIndex, wgslType, type Cfg } from './common.js';

const WG = 64;
type Kind = 'sum' | 'max' | 'argmax';

function reduceProgram(kind: Kind, inType: DType, outType: DType, keptRank: number, redRank: number): Program {
  const tin = wgslType(inType);
  const acc = kind === 'sum' ? (tin === 'f32' ? 'f32' : 'i32') : tin === 'u32' ? 'i32' : tin;
  const load = (e: string) => (tin === acc ? e : `${acc}(${e})`);
  const isF = acc === 'f32';
  const init = kind === 'sum' ? (isF ? '0.0' : '0') : isF ? '-inf_like(0.0)' : '-2147483647 - 1';
  const nan = (v: string) => (isF ? `is_nan(${v})` : 'false');
  // (v2, i2) replaces (v1, i1) when it is "larger", ties going to the lower index.
  const better = `fn better(v1: ${acc}, i1: u32, v2: ${acc}, i2: u32) -> bool {
  if (${nan('v1')} && ${nan('v2')}) { return i2 < i1; }
  if (${nan('v1')}) { return false; }
  if (${nan('v2')}) { return true; }
  if (v2 > v1) { return true; }
  return v2 == v1 && i2 < i1;
}`;
  const fold = kind === 'sum' ? 'a + b' : isF ? 'nan_max(a, b)' : 'max(a, b)';
  const outT = wgslType(outType);
  return {
    key: `reduce:${kind}:${inType}:${keptRank}:${redRank}`,
    label: `${kind} (${inType}, kept rank ${keptRank}, reduced rank ${redRank})`,
    bindings: [{ name: 'x', type: tin, access: 'read' }, { name: 'y', type: outT, access: 'read_write' }],
    uniforms: [
      { name: 'size', type: 'u32' }, { name: 'red', type: 'u32' },
      { name: 'kshape', type: 'dims' }, { name: 'kstr', type: 'dims' },
      { name: 'rshape', type: 'dims' }, { name: 'rstr', type: 'dims' },
    ],
    body: () => `${WGSL_ELEMENTWISE_HELPERS}
var<workgroup> sv: array<${acc}, ${WG}>;
var<workgroup> si: array<u32, ${WG}>;
fn fold(a: ${acc}, b: ${acc}) -> ${acc} { return ${fold}; }
${better}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = wid.x + wid.y * nwg.x;
  if (o >= u.size) { return; }
${offsetsFromIndex(keptRank, 'kshape', ['kstr'], 'o')}
  var v: ${acc} = ${init};
  var bi: u32 = 0xffffffffu;
  for (var r = lid; r < u.red; r = r + ${WG}u) {
${offsetsFromIndex(redRank, 'rshape', ['rstr'], 'r').replace(/^/gm, '  ')}
    let xv = ${load('x[off_kstr + off_rstr]')};
    ${kind === 'argmax' ? 'if (better(v, bi, xv, r)) { v = xv; bi = r; }' : 'v = fold(v, xv);'}
  }
  sv[lid] = v;
  si[lid] = bi;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      ${kind === 'argmax' ? 'if (better(sv[lid], si[lid], sv[lid + s], si[lid + s])) { sv[lid] = sv[lid + s]; si[lid] = si[lid + s]; }' : 'sv[lid] = fold(sv[lid], sv[lid + s]);'}
    }
    workgroupBarrier();
  }
  if (lid == 0u) { y[o] = ${kind === 'argmax' ? 'i32(select(si[0], 0u, si[0] == 0xffffffffu))' : outT === acc ? 'sv[0]' : `${outT}(sv[0])`}; }
}`,
  };
}

/** Reduces `x` over sorted `axes` into a tensor of `outShape`. */
export function runReduce(
  backend: WebGPUBackend, op: string, kind: Kind, x: TensorInfo, axes: readonly number[], outShape: readonly number[], outDtype: DType,
): TensorInfo {
  assertGpuDtypes(op, [x]);
  const strides = stridesOf(x.shape);
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  let kshape = kept.map((i) => x.shape[i]!), kstr = kept.map((i) => strides[i]!);
  let rshape = axes.map((i) => x.shape[i]!), rstr = axes.map((i) => strides[i]!);
  const trailing = axes.every((a, i) => a === x.shape.length - axes.length + i);
  const red = sizeOf(rshape);
  if (trailing) { // contiguous rows: one kept dim of stride `red`, one reduced dim of stride 1
    kshape = [sizeOf(kshape)]; kstr = [red]; rshape = [red]; rstr = [1];
  }
  const out = backend.makeOutput(op, outShape, outDtype);
  const size = sizeOf(outShape);
  if (size === 0) return out;
  runProgram(backend, reduceProgram(kind, x.dtype, outDtype, kshape.length, rshape.length),
    [backend.buffer(x.dataId), backend.buffer(out.dataId)],
    { size, red, kshape, kstr, rshape, rstr }, gridFor(size, backend.limits.maxComputeWorkgroupsPerDimension));
  return out;
}

function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  return shape.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [1] : []) : [d]));
}

const sum: Cfg = {
  name: 'Sum', backend: 'webgpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const { axes, keepDims } = attrs as { axes: number[]; keepDims: boolean };
    const dt = x!.dtype === 'bool' ? 'int32' : x!.dtype;
    return [runReduce(backend, 'Sum', 'sum', x!, axes, reducedShape(x!.shape, axes, keepDims), dt)];
  },
};

const max: Cfg = {
  name: 'Max', backend: 'webgpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const { axes, keepDims } = attrs as { axes: number[]; keepDims: boolean };
    return [runReduce(backend, 'Max', 'max', x!, axes, reducedShape(x!.shape, axes, keepDims), x!.dtype)];
  },
};

const argMax: Cfg = {
  name: 'ArgMax', backend: 'webgpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const { axis, keepDims } = attrs as { axis: number; keepDims: boolean };
    return [runReduce(backend, 'ArgMax', 'argmax', x!, [axis], reducedShape(x!.shape, [axis], keepDims), 'int32')];
  },
};

export const reduceKernels: Cfg[] = [sum, max, argMax];
