/**
 * WebGPU Gather and ScatterAdd along an axis (embedding lookups and their gradient).
 *
 * Out-of-range indices cannot throw from a shader: the row reads as 0 (Gather) or is skipped
 * (ScatterAdd), and the kernel raises a flag that the next `read()` turns into an error naming the op.
 *
 * ScatterAdd (WGSL has no float atomics) is deterministic by default: one thread per output
 * element loops over the indices in order, so repeated indices accumulate in the CPU's order.
 * That costs outputs × indices; past `SCATTER_LOOP_LIMIT` it switches to one thread per update with
 * an `atomicCompareExchangeWeak` loop on the f32 bits (order-nondeterministic: last-bit differences).
 */
import type { TensorInfo } from '../../backend.js';
import { sizeOf } from '../../shape.js';
import type { WebGPUBackend } from '../backend.js';
import { linearMain, runProgram, type Program } from '../program.js';
import { fillWords } from './creation.js';
import { assertGpuDtypes, wgslType, type Cfg } from './common.js';

const WG = 64;
/** Above outputs × indices of this size ScatterAdd uses the atomic path. */
export const SCATTER_LOOP_LIMIT = 1 << 26;

const FLAG = (slot: number) => `  flags[${slot}] = 1u; flags[${slot + 2}] = bitcast<u32>(k);`;

/**
 * Shared head of the gather-shaped shaders: splits the linear index into (outer o, index j, inner i),
 * reads id k and, when it is out of range, raises flag `bit` and opens the early-exit branch.
 */
function indexPrologue(bit: number): string {
  return `  let i = idx % u.inner;
  let j = (idx / u.inner) % u.nIdx;
  let o = idx / (u.inner * u.nIdx);
  let k = ids[j];
  if (k < 0 || u32(k) >= u.n) {
  ${FLAG(bit)}`;
}

function gatherProgram(): Program {
  return {
    key: 'gather',
    label: 'Gather',
    bindings: [
      { name: 'x', type: 'u32', access: 'read' }, { name: 'ids', type: 'i32', access: 'read' },
      { name: 'y', type: 'u32', access: 'read_write' }, { name: 'flags', type: 'u32', access: 'read_write' },
    ],
    uniforms: [{ name: 'size', type: 'u32' }, { name: 'n', type: 'u32' }, { name: 'nIdx', type: 'u32' }, { name: 'inner', type: 'u32' }],
    body: () => linearMain(WG, `${indexPrologue(0)}
    y[idx] = 0u;
    return;
  }
  y[idx] = x[(o * u.n + u32(k)) * u.inner + i];`),
  };
}

function scatterLoopProgram(t: string): Program {
  const zero = t === 'f32' ? '0.0' : '0';
  return {
    key: `scatter-loop:${t}`,
    label: 'ScatterAdd (deterministic)',
    bindings: [
      { name: 'upd', type: t, access: 'read' }, { name: 'ids', type: 'i32', access: 'read' },
      { name: 'y', type: t, access: 'read_write' }, { name: 'flags', type: 'u32', access: 'read_write' },
    ],
    uniforms: [{ name: 'size', type: 'u32' }, { name: 'n', type: 'u32' }, { name: 'nIdx', type: 'u32' }, { name: 'inner', type: 'u32' }],
    body: () => linearMain(WG, `  let i = idx % u.inner;
  let row = (idx / u.inner) % u.n;
  let o = idx / (u.inner * u.n);
  var acc: ${t} = ${zero};
  for (var j = 0u; j < u.nIdx; j = j + 1u) {
    let k = ids[j];
    if (u32(k) == row && k >= 0) { acc = acc + upd[(o * u.nIdx + j) * u.inner + i]; }
    if (row == 0u && i == 0u && (k < 0 || u32(k) >= u.n)) {
    ${FLAG(1)}
    }
  }
  y[idx] = acc;`),
  };
}

function scatterAtomicProgram(t: string): Program {
  const add = t === 'f32'
    ? `    var old = atomicLoad(&y[p]);
    loop {
      let r = atomicCompareExchangeWeak(&y[p], old, bitcast<u32>(bitcast<f32>(old) + v));
      if (r.exchanged) { break; }
      old = r.old_value;
    }`
    : '    atomicAdd(&y[p], bitcast<u32>(v));';
  return {
    key: `scatter-atomic:${t}`,
    label: 'ScatterAdd (atomic)',
    bindings: [
      { name: 'upd', type: t, access: 'read' }, { name: 'ids', type: 'i32', access: 'read' },
      { name: 'y', type: 'atomic<u32>', access: 'read_write' }, { name: 'flags', type: 'u32', access: 'read_write' },
    ],
    uniforms: [{ name: 'size', type: 'u32' }, { name: 'n', type: 'u32' }, { name: 'nIdx', type: 'u32' }, { name: 'inner', type: 'u32' }],
    body: () => linearMain(WG, `${indexPrologue(1)}
    return;
  }
  let v = upd[idx];
  let p = (o * u.n + u32(k)) * u.inner + i;
  {
${add}
  }`),
  };
}

const gather: Cfg = {
  name: 'Gather', backend: 'webgpu',
  run: ({ inputs: [x, indices], attrs, backend }) => {
    assertGpuDtypes('gather', [x!]);
    const { axis } = attrs as { axis: number };
    const n = x!.shape[axis]!;
    const inner = sizeOf(x!.shape.slice(axis + 1));
    const nIdx = sizeOf(indices!.shape);
    const outShape = [...x!.shape.slice(0, axis), ...indices!.shape, ...x!.shape.slice(axis + 1)];
    const out = backend.makeOutput('Gather', outShape, x!.dtype);
    const size = sizeOf(outShape);
    runProgram(backend, gatherProgram(), [backend.buffer(x!.dataId), backend.buffer(indices!.dataId), backend.buffer(out.dataId), backend.indexFlags()],
      { size, n, nIdx, inner: Math.max(inner, 1) }, { threads: size, wg: WG });
    return [out];
  },
};

const scatterAdd: Cfg = {
  name: 'ScatterAdd', backend: 'webgpu',
  run: ({ inputs: [updates, indices], attrs, backend }) => {
    assertGpuDtypes('scatterAdd', [updates!]);
    const { axis, shape } = attrs as { axis: number; shape: number[] };
    return [runScatterAdd(backend, updates!, indices!, shape, axis)];
  },
};

/** ScatterAdd into zeros of `shape` (exported for tests of the atomic path). */
export function runScatterAdd(
  backend: WebGPUBackend, updates: TensorInfo, indices: TensorInfo, shape: readonly number[], axis: number, forceAtomic = false,
): TensorInfo {
  const t = wgslType(updates.dtype);
  const n = shape[axis]!;
  const inner = Math.max(sizeOf(shape.slice(axis + 1)), 1);
  const nIdx = sizeOf(indices.shape);
  const out = backend.makeOutput('ScatterAdd', shape, updates.dtype);
  const size = sizeOf(shape);
  const bufs = [backend.buffer(updates.dataId), backend.buffer(indices.dataId), backend.buffer(out.dataId), backend.indexFlags()];
  const u = { n, nIdx, inner };
  if (!forceAtomic && size * nIdx <= SCATTER_LOOP_LIMIT) {
    runProgram(backend, scatterLoopProgram(t), bufs, { size, ...u }, { threads: size, wg: WG });
  } else {
    fillWords(backend, bufs[2]!, size, 0);
    const count = sizeOf(updates.shape);
    runProgram(backend, scatterAtomicProgram(t), bufs, { size: count, ...u }, { threads: count, wg: WG });
  }
  return out;
}

export const indexingKernels: Cfg[] = [gather, scatterAdd];
