/**
 * Composite paths of the recurrent sequence ops (`lstmSequence`, `gruSequence`, `rnnSequence`):
 * one direction, time-major, forward in time, `xProj` already holding the input projection of
 * every step (one big matmul done by the caller). Each step computes only h·W_hhᵀ plus the gate
 * math from primitive ops, inside its own scope; autograd's tape keeps what backpropagation
 * through time needs. The ops run these when the backend has no fused kernel (or `fused: false`).
 *
 * `mask` [T, B] is 1 for a valid step and 0 for padding: at a padded step the state carries over
 * unchanged and the output row is 0. `null` means every step is valid (skips the masking).
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { add, mul, sub } from './elementwise.js';
import { concat, reshape, slice, stack } from './movement.js';
import { gruStep, lstmStep, rnnStep, type Nonlinearity } from './rnn-steps.js';

export interface LstmSequenceResult {
  y: Tensor; // (T, B, H)
  hN: Tensor; // (B, H)
  cN: Tensor; // (B, H)
  /** With `gates: true`: activated gates i,f,g,o per step (T, B, 4H). */
  gates?: Tensor;
  /** With `gates: true`: cell states per step (T, B, H). */
  cells?: Tensor;
}
export interface GruSequenceResult {
  y: Tensor; // (T, B, H)
  hN: Tensor; // (B, H)
  /** With `gates: true`: activated gates r,z,n per step (T, B, 3H). */
  gates?: Tensor;
}
export interface RnnSequenceResult {
  y: Tensor; // (T, B, H)
  hN: Tensor; // (B, H)
}

/**
 * Every step's slice of xProj as [B, G], cut in two levels (chunks of ≈√T steps, then steps). A
 * slice's gradient is a zero-padded copy of the whole source, so cutting T steps straight out of
 * [T, B, G] would cost O(T²·B·G) in backpropagation; two levels cost O(T^1.5·B·G).
 */
function stepSlices(xProj: Tensor): Tensor[] {
  const [T, B, G] = xProj.shape as [number, number, number];
  const K = Math.max(1, Math.ceil(Math.sqrt(T)));
  const out: Tensor[] = [];
  for (let c0 = 0; c0 < T; c0 += K) {
    const k = Math.min(K, T - c0);
    const chunk = k === T ? xProj : slice(xProj, [c0, 0, 0], [k, B, G]); // (k, B, G)
    for (let t = 0; t < k; t++) out.push(reshape(k === 1 ? chunk : slice(chunk, [t, 0, 0], [1, B, G]), [B, G]));
  }
  return out;
}

/** mask[t] as [B, 1] (no gradient flows into the mask). */
function stepMaskAt(mask: Tensor | null, t: number): Tensor | null {
  if (!mask) return null;
  const B = mask.shape[1]!;
  return reshape(slice(mask, [t, 0], [1, B]), [B, 1]);
}

/** Masked carry: m ? next : prev, as prev + m⊙(next − prev) (differentiable, no branches). */
function carry(prev: Tensor, next: Tensor, m: Tensor | null): Tensor {
  return m ? add(prev, mul(m, sub(next, prev))) : next;
}

/** The final state as a tensor of its own (a copy when no step ran past h0). */
const own = (s: Tensor, s0: Tensor): Tensor => (s === s0 ? add(s, 0) : s);

/** LSTM time loop (gates i,f,g,o); shapes checked by the caller. */
export function lstmComposite(xProj: Tensor, wHh: Tensor, h0: Tensor, c0: Tensor, mask: Tensor | null, wantGates: boolean): LstmSequenceResult {
  const T = xProj.shape[0]!;
  return ENGINE.scope(() => {
    const xs = stepSlices(xProj);
    let h = h0, c = c0;
    const ys: Tensor[] = [], gs: Tensor[] = [], cs: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const step = ENGINE.scope(() => {
        const gx = xs[t]!, m = stepMaskAt(mask, t);
        const r = lstmStep(gx, h, c, wHh);
        return {
          h: carry(h, r.h, m), c: carry(c, r.c, m), y: m ? mul(r.h, m) : r.h,
          g: wantGates ? concat([r.i, r.f, r.g, r.o], 1) : undefined, cell: wantGates ? r.c : undefined,
        };
      });
      h = step.h;
      c = step.c;
      ys.push(step.y);
      if (step.g) gs.push(step.g);
      if (step.cell) cs.push(step.cell);
    }
    const out: LstmSequenceResult = { y: stack(ys, 0), hN: own(h, h0), cN: own(c, c0) };
    if (wantGates) {
      out.gates = stack(gs, 0); // (T, B, 4H)
      out.cells = stack(cs, 0); // (T, B, H)
    }
    return out;
  });
}

/** GRU time loop (gates r,z,n, reset after the hidden matmul); shapes checked by the caller. */
export function gruComposite(xProj: Tensor, wHh: Tensor, bHh: Tensor | null, h0: Tensor, mask: Tensor | null, wantGates: boolean): GruSequenceResult {
  const T = xProj.shape[0]!;
  return ENGINE.scope(() => {
    const xs = stepSlices(xProj);
    let h = h0;
    const ys: Tensor[] = [], gs: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const step = ENGINE.scope(() => {
        const gx = xs[t]!, m = stepMaskAt(mask, t);
        const r = gruStep(gx, h, wHh, bHh ?? undefined);
        return { h: carry(h, r.h, m), y: m ? mul(r.h, m) : r.h, g: wantGates ? concat([r.r, r.z, r.n], 1) : undefined };
      });
      h = step.h;
      ys.push(step.y);
      if (step.g) gs.push(step.g);
    }
    const out: GruSequenceResult = { y: stack(ys, 0), hN: own(h, h0) };
    if (wantGates) out.gates = stack(gs, 0); // (T, B, 3H)
    return out;
  });
}

/** Elman RNN time loop; shapes checked by the caller. */
export function rnnComposite(xProj: Tensor, wHh: Tensor, h0: Tensor, mask: Tensor | null, nonlinearity: Nonlinearity): RnnSequenceResult {
  const T = xProj.shape[0]!;
  return ENGINE.scope(() => {
    const xs = stepSlices(xProj);
    let h = h0;
    const ys: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const step = ENGINE.scope(() => {
        const gx = xs[t]!, m = stepMaskAt(mask, t);
        const hNext = rnnStep(gx, h, wHh, nonlinearity);
        return { h: carry(h, hNext, m), y: m ? mul(hNext, m) : hNext };
      });
      h = step.h;
      ys.push(step.y);
    }
    return { y: stack(ys, 0), hN: own(h, h0) };
  });
}
