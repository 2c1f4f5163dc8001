/**
 * The per-time-step kernel shape shared by the fused LSTM/GRU/RNN forwards and backwards: a
 * (hidden-unit tile, batch-row tile) grid. A workgroup of `tj` threads owns units j0..j0+tj of `rb`
 * batch rows; each thread keeps the rb rows' accumulators in registers. The reduction runs in
 * chunks of 4·tj columns: the workgroup first stages the rb rows' next columns of the step's input
 * (h_{t-1} forward, dz_{t+1} backward) in workgroup memory, four coalesced loads per thread per
 * row, then every thread reads them from there and multiplies them with its column of the
 * weights, `w[k·ld + j]`, so neighbouring threads read neighbouring addresses (coalesced) and each
 * weight is read once per workgroup for all rb rows. The epilogue (gate math) runs per (row, unit).
 * One dispatch per time step: a step needs all of the previous step's row, which only a dispatch
 * boundary makes visible across workgroups.
 */
import { WGSL_ELEMENTWISE_HELPERS } from '../../elementwise-table.js';
import type { WebGPUBackend } from '../backend.js';
import { runProgram, type Binding, type Program, type StorageBinding } from '../program.js';

/** Threads per workgroup along the hidden units (tj) and batch rows per workgroup (rb). */
export interface StepTile { tj: number; rb: number }

/**
 * 64 units per workgroup (two 32-wide warps / one 64-wide wavefront of contiguous weight reads),
 * fewer only on a device that allows fewer threads; 4 batch rows per workgroup once B ≥ 4 (each
 * weight read then serves 4 rows), else 1 so B = 1..3 wastes no threads.
 */
export function stepTile(backend: WebGPUBackend, B: number): StepTile {
  let tj = 64;
  while (tj > 1 && tj > backend.limits.maxComputeInvocationsPerWorkgroup) tj >>= 1;
  return { tj, rb: B >= 4 ? 4 : 1 };
}

export interface StepSpec {
  key: string;
  label: string;
  bindings: StorageBinding[];
  /** WGSL statements after the standard lets (H, B, t, T, BH, j, jc, b0): e.g. `let G = 4u * H;`. */
  pre: string;
  /** Reduction length, a WGSL expression of uniforms only (barriers need uniform control flow). */
  K: string;
  /** Accumulator type per row: f32, vec3<f32> or vec4<f32>. */
  acc: string;
  /** Statements setting `v` (f32) to the staged value of row `b`, column `k` (both in range). */
  load: string;
  /** Expression of the accumulator's type: the weights column `k` meets for unit `jc`. */
  weights: string;
  /** Per (row b, unit j) with `idx` = b·H + j and `a` = the row's sums; `continue` skips the row. */
  epilogue: string;
  /** Gates per hidden unit (G = gates·H): 4 LSTM, 3 GRU, 1 RNN. */
  gates: number;
  /** Bindings a dispatch touches only some time rows of: bound as those rows, not the whole buffer. */
  slices: RowSlice[];
}

/**
 * Time rows [lo, hi) of binding `name` that dispatch `t` touches (clipped to [0, T)), `width`
 * elements each. The range is bound from its start rounded down to the device's offset alignment;
 * the shader keeps its whole-buffer indices, shifted by a uniform `o_<name>` = −(first bound element)
 * (u32 arithmetic wraps, so `x[u.o_x + i]` reads element i of the buffer).
 */
export interface RowSlice { name: string; width: 'B' | 'BH' | 'BG'; rows: (t: number) => [number, number] }

/** Rows t (the forward: each step reads and writes only its own time row). */
export const stepRow = (t: number): [number, number] => [t, t + 1];
/** Backward dispatch s: rows s-1 (the step whose gradients it writes) … */
export const prevRows = (s: number): [number, number] => [s - 1, s];
/** … and s too (the step whose dz it reads). */
export const bothRows = (s: number): [number, number] => [s - 1, s + 1];

/** Rewrites `x[` into `x[u.o_x + ` for each sliced binding (the specs keep whole-buffer indices). */
function shiftIndices(wgsl: string, slices: RowSlice[]): string {
  return slices.reduce((code, sl) => code.replace(new RegExp(`\\b${sl.name}\\[`, 'g'), `${sl.name}[u.o_${sl.name} + `), wgsl);
}

/** Loads per thread per row between barriers: fewer barrier pairs per reduction (4·tj columns each). */
const STAGE_LOADS = 4;

const MASK_FN = 'fn step_on(t: u32, b: u32) -> bool { return (mask[t * u.B + b] & 0x7fffffffu) != 0u; }';

/** A step program for one tile shape; the key carries the tile (one pipeline per shape class). */
export function stepProgram(spec: StepSpec, tile: StepTile): Program {
  const { tj, rb } = tile;
  const kc = STAGE_LOADS * tj; // reduction columns staged per barrier pair
  const sh = (code: string) => shiftIndices(code, spec.slices);
  const rows = Array.from({ length: rb }, (_, r) => r);
  // Rows unrolled in the hot loop: the accumulators stay in registers on every compiler.
  const stageRows = rows.map((r) => `        { let b = b0 + ${r}u; var v = 0.0; if (k < K && b < B) { ${sh(spec.load)} } stage[${r * kc}u + c] = v; }`).join('\n');
  const fma = rows.map((r) => `      acc${r} = acc${r} + stage[${r * kc}u + kk] * wv;`).join('\n');
  return {
    key: `${spec.key}:${tj}x${rb}`, label: spec.label, bindings: spec.bindings,
    uniforms: [{ name: 'B', type: 'u32' }, { name: 'H', type: 'u32' }, { name: 't', type: 'u32' }, { name: 'T', type: 'u32' },
      ...spec.slices.map((sl) => ({ name: `o_${sl.name}`, type: 'u32' as const }))],
    body: () => `${WGSL_ELEMENTWISE_HELPERS}
${sh(MASK_FN)}
var<workgroup> stage: array<f32, ${kc * rb}>;
@compute @workgroup_size(${tj})
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let H = u.H; let B = u.B; let t = u.t; let T = u.T; let BH = B * H;
  let j = wid.x * ${tj}u + lid.x;
  let jc = min(j, H - 1u); // threads past H still stage and meet the barriers; they read a valid column
  let b0 = wid.y * ${rb}u;
${spec.pre}
  let K = ${spec.K};
${rows.map((r) => `  var acc${r}: ${spec.acc};`).join('\n')}
  for (var k0 = 0u; k0 < K; k0 = k0 + ${kc}u) {
    for (var q = 0u; q < ${STAGE_LOADS}u; q = q + 1u) {
      let c = q * ${tj}u + lid.x;
      let k = k0 + c;
${stageRows}
    }
    workgroupBarrier();
    let n = min(${kc}u, K - k0);
    for (var kk = 0u; kk < n; kk = kk + 1u) {
      let k = k0 + kk;
      let wv = ${spec.weights};
${fma}
    }
    workgroupBarrier();
  }
  var acc = array<${spec.acc}, ${rb}>(${rows.map((r) => `acc${r}`).join(', ')});
  if (j >= H) { return; }
  for (var r = 0u; r < ${rb}u; r = r + 1u) {
    let b = b0 + r;
    if (b >= B) { break; }
    let idx = b * H + j;
    let a = acc[r];
${sh(spec.epilogue)}
  }
}`,
  };
}

/** Records one step dispatch over the (unit tiles, row tiles) grid, binding the step's time rows only. */
export function runStep(
  backend: WebGPUBackend, p: Program, spec: StepSpec, tile: StepTile, buffers: GPUBuffer[],
  d: { T: number; B: number; H: number }, t: number,
): void {
  const gx = Math.ceil(d.H / tile.tj), gy = Math.ceil(d.B / tile.rb);
  const max = backend.limits.maxComputeWorkgroupsPerDimension;
  if (gx > max || gy > max) {
    throw new Error(`webgpu: ${p.label}: B=${d.B}, H=${d.H} need a ${gx}×${gy} workgroup grid, above this device's ${max} per dimension`);
  }
  const uniforms: Record<string, number> = { B: d.B, H: d.H, t, T: d.T };
  const bound: Binding[] = [...buffers];
  const align = backend.limits.minStorageBufferOffsetAlignment;
  for (const sl of spec.slices) {
    const i = spec.bindings.findIndex((b) => b.name === sl.name);
    const width = sl.width === 'B' ? d.B : sl.width === 'BH' ? d.B * d.H : d.B * spec.gates * d.H;
    const [lo, hi] = sl.rows(t);
    const start = Math.max(lo, 0) * width * 4, end = Math.min(hi, d.T) * width * 4;
    const buffer = buffers[i]!;
    // An empty range (no row of it is touched) still needs a valid, non-empty binding.
    const offset = end > start ? Math.floor(start / align) * align : 0;
    const size = end > start ? end - offset : Math.min(16, buffer.size);
    bound[i] = { buffer, offset, size };
    uniforms[`o_${sl.name}`] = -(offset / 4);
  }
  runProgram(backend, p, bound, uniforms, [gx, gy, 1]);
}
