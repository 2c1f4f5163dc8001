/**
 * Shared pieces of the fused recurrent kernels. Each sequence is encoded as one dispatch per time
 * step into one command buffer (no reads): the forward step computes h·W_hhᵀ + xProj[t] with the
 * gate math fused in; the backward step computes dh_t = dz_{t+1}·W_hh and, from it, step t's gate
 * gradients dz_t (T + 1 dispatches for T steps); then one matmul gives dW_hh over all steps.
 * The step kernels' grid and staging are in fused-step.ts.
 *
 * The hidden state ping-pongs between the two halves of one [2,B,H] scratch buffer (step t reads
 * half t%2 and writes the other), so no thread reads a row another thread is writing.
 * Masks are read as raw 32-bit words (float, int32 or bool): a step is active when the word ≠ ±0.
 */
import type { TensorInfo } from '../../backend.js';
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

const packTransposedProgram: Program = {
  key: 'fused:pack-whT', label: 'W_hhᵀ pack', bindings: [r('wh'), w('wt')],
  uniforms: [{ name: 'size', type: 'u32' }, { name: 'G', type: 'u32' }, { name: 'H', type: 'u32' }],
  body: () => linearMain(WG, '  let k = idx / u.G; let g = idx % u.G;\n  wt[idx] = wh[g * u.H + k];'),
};

/**
 * W_hh [G,H] packed as W_hhᵀ [H,G] for the forward steps: thread j then reads `wt[k·G + j]`, so
 * neighbouring threads read neighbouring addresses (W_hh as stored puts them H floats apart).
 * Packed once per weight version (one dispatch), not per call: the backend caches it with the
 * weight's storage, and an optimizer step's new weight is new storage, so it is packed again.
 * The backend owns the buffer (freed with the weight); callers must not release it.
 */
export function packedTransposed(backend: WebGPUBackend, wHh: TensorInfo, G: number, H: number): GPUBuffer {
  return backend.derivedBuffer(wHh.dataId, `fused W_hhᵀ [${H},${G}]`, G * H * 4, (out) =>
    runProgram(backend, packTransposedProgram, [backend.buffer(wHh.dataId), out], { size: G * H, G, H }, { threads: G * H, wg: WG }));
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
