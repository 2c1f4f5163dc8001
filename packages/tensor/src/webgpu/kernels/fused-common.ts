/**
 * Shared pieces of the fused recurrent kernels. Each sequence is encoded as a fixed handful of
 * dispatches per time step into the backend's command stream (submitted in batches, no reads):
 * forward = one dispatch per step (h·W_hhᵀ + xProj[t] with the gate math fused in), backward =
 * two per step (gate gradients, then dh_{t-1} = dz_t·W_hh), then one matmul for dW_hh over all steps.
 *
 * The hidden state ping-pongs between the two halves of one [2,B,H] scratch buffer (step t reads
 * half t%2 and writes the other), so no thread reads a row another thread is writing.
 * Masks are read as raw 32-bit words (float, int32 or bool): a step is active when the word ≠ ±0.
 */
import type { TensorInfo } from '../../backend.js';
import { WGSL_ELEMENTWISE_HELPERS } from '../../elementwise-table.js';
import type { WebGPUBackend } from '../backend.js';
import { linearMain, runProgram, type Program, type StorageBinding } from '../program.js';
import { matmulInto } from './matmul.js';

export const WG = 64;

export interface SeqDims { T: number; B: number; H: number }

/** T, B from xProj [T,B,·] and H from a [B,H] state. */
export function seqDims(op: string, xProj: TensorInfo, state: TensorInfo): SeqDims {
  for (const t of [xProj, state]) {
    if (t.dtype !== 'float32') throw new Error(`webgpu: ${op}: inputs must be float32 on WebGPU, got ${t.dtype}`);
  }
  return { T: xProj.shape[0]!, B: xProj.shape[1]!, H: state.shape[1]! };
}

const f = (name: string, access: 'read' | 'read_write' = 'read'): StorageBinding => ({ name, type: 'f32', access });
/** Binding helpers: `r('x')` read-only f32, `w('y')` read-write f32, `mask` as raw words. */
export const r = (name: string) => f(name);
export const w = (name: string) => f(name, 'read_write');
export const MASK: StorageBinding = { name: 'mask', type: 'u32', access: 'read' };

/** A per-step program over B·H threads: `b`, `j` and `t` are in scope; uniforms size, B, H, t. */
export function stepProgram(key: string, label: string, bindings: StorageBinding[], body: string): Program {
  return {
    key, label, bindings,
    uniforms: [{ name: 'size', type: 'u32' }, { name: 'B', type: 'u32' }, { name: 'H', type: 'u32' }, { name: 't', type: 'u32' }],
    body: () => `${WGSL_ELEMENTWISE_HELPERS}
fn step_on(t: u32, b: u32) -> bool { return (mask[t * u.B + b] & 0x7fffffffu) != 0u; }
${linearMain(WG, `  let H = u.H; let B = u.B; let t = u.t;
  let b = idx / H; let j = idx % H;
${body}`)}`,
  };
}

const packTransposedProgram: Program = {
  key: 'fused:pack-whT', label: 'W_hhᵀ pack', bindings: [r('wh'), w('wt')],
  uniforms: [{ name: 'size', type: 'u32' }, { name: 'G', type: 'u32' }, { name: 'H', type: 'u32' }],
  body: () => linearMain(WG, '  let k = idx / u.G; let g = idx % u.G;\n  wt[idx] = wh[g * u.H + k];'),
};

/**
 * W_hh [G,H] packed as W_hhᵀ [H,G], once per sequence call (one dispatch), for the forward steps:
 * thread j then reads `wt[k·G + j]`, so neighbouring threads read neighbouring addresses
 * (W_hh as stored puts them H floats apart). Release it after the loop.
 */
export function packTransposed(backend: WebGPUBackend, op: string, wHh: TensorInfo, G: number, H: number): TensorInfo {
  const wt = scratch(backend, op, [H, G]);
  runProgram(backend, packTransposedProgram, [backend.buffer(wHh.dataId), backend.buffer(wt.dataId)], { size: G * H, G, H }, { threads: G * H, wg: WG });
  return wt;
}

/** A kernel-private buffer as a TensorInfo (release it with `backend.release(info.dataId)`). */
export function scratch(backend: WebGPUBackend, op: string, shape: number[]): TensorInfo {
  return backend.makeOutput(op, shape, 'float32');
}

/** The state entering each step, [T,B,H]: h0 at t = 0, then y[t-1] (valid for prefix masks). */
export function previousStates(backend: WebGPUBackend, op: string, y: TensorInfo, h0: TensorInfo, d: SeqDims): TensorInfo {
  const prev = scratch(backend, op, [d.T, d.B, d.H]);
  const bh = d.B * d.H * 4;
  backend.copy(backend.buffer(h0.dataId), 0, backend.buffer(prev.dataId), 0, bh);
  backend.copy(backend.buffer(y.dataId), 0, backend.buffer(prev.dataId), bh, (d.T - 1) * bh);
  return prev;
}

/** dW_hh [G,H] = Σ_t dz_tᵀ · h_{t-1}: one matmul over all T·B rows. */
export function weightGrad(backend: WebGPUBackend, op: string, dz: TensorInfo, prev: TensorInfo, G: number, d: SeqDims): TensorInfo {
  const dw = backend.makeOutput(op, [G, d.H], 'float32');
  matmulInto(backend, 'float32', backend.buffer(dz.dataId), backend.buffer(prev.dataId), backend.buffer(dw.dataId),
    { batch: 1, batchA: 1, batchB: 1, m: G, k: d.T * d.B, n: d.H, transposeA: true, transposeB: false });
  return dw;
}

/** dW_hh from the step gradients dz [T,B,G] and the states y, h0 (handles T = 0: all zeros). */
export function weightGradFromStates(
  backend: WebGPUBackend, op: string, dz: TensorInfo, y: TensorInfo, h0: TensorInfo, G: number, d: SeqDims,
): TensorInfo {
  if (d.T === 0) return weightGrad(backend, op, dz, dz, G, d);
  const prev = previousStates(backend, op, y, h0, d);
  const dw = weightGrad(backend, op, dz, prev, G, d);
  backend.release(prev.dataId);
  return dw;
}

/** Copies a whole [B,H] tensor into a new output (the state a loop then updates in place). */
export function cloneState(backend: WebGPUBackend, op: string, x: TensorInfo): TensorInfo {
  const out = backend.makeOutput(op, x.shape, 'float32');
  backend.copy(backend.buffer(x.dataId), 0, backend.buffer(out.dataId), 0, x.shape[0]! * x.shape[1]! * 4);
  return out;
}
