/**
 * Composite reference paths of the fused recurrent ops (`lstmSequence`, `gruSequence`,
 * `rnnSequence` in @recur/tensor), with exactly their signatures and semantics: one direction,
 * time-major, forward in time, `xProj` already holding the input projection of every step (one
 * big matmul done by the caller). Each step computes only h·W_hhᵀ plus the gate math, inside its
 * own scope; the autograd tape keeps what backpropagation through time needs.
 *
 * `mask` [T, B] is 1 for a valid step and 0 for padding: at a padded step the state carries over
 * unchanged and the output row is 0. Passing `null` means every step is valid (skips the masking).
 */
import { add, concat, formatShape, mul, reshape, scope, slice, stack, sub, type Tensor } from '@recur/tensor';
import { gruStep } from '../cells/gru-cell.js';
import { lstmStep } from '../cells/lstm-cell.js';
import { rnnStep, type Nonlinearity } from '../cells/rnn-cell.js';

export interface CompositeOptions {
  /** Also return the per-step gate activations (and LSTM cell states). Default true. */
  gates?: boolean;
}

export interface LstmSequenceOut { y: Tensor; hN: Tensor; cN: Tensor; gates?: Tensor; cells?: Tensor }
export interface GruSequenceOut { y: Tensor; hN: Tensor; gates?: Tensor }
export interface RnnSequenceOut { y: Tensor; hN: Tensor }

function checkShapes(op: string, G: number, xProj: Tensor, wHh: Tensor, h0: Tensor, mask: Tensor | null): [number, number, number] {
  const [T, B] = xProj.shape as [number, number];
  const H = h0.shape[1] ?? 0;
  const ok = xProj.rank === 3 && xProj.shape[2] === G * H && wHh.shape.join() === `${G * H},${H}`
    && h0.shape.join() === `${B},${H}` && (!mask || mask.shape.join() === `${T},${B}`);
  if (!ok) {
    throw new Error(`${op}: shapes do not fit: xProj ${formatShape(xProj.shape)}, wHh ${formatShape(wHh.shape)}, h0 ${formatShape(h0.shape)}${mask ? `, mask ${formatShape(mask.shape)}` : ''} (want [T,B,${G}H], [${G}H,H], [B,H], [T,B])`);
  }
  return [T, B, H];
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

/**
 * LSTM time loop (gates i,f,g,o). xProj [T,B,4H] = x·W_ihᵀ + b_ih + b_hh, wHh [4H,H], h0/c0 [B,H].
 *
 * @example
 * const { y, hN, cN } = lstmSequenceComposite(xProj, wHh, h0, c0, null); // y [T,B,H]
 */
export function lstmSequenceComposite(xProj: Tensor, wHh: Tensor, h0: Tensor, c0: Tensor, mask: Tensor | null, opts: CompositeOptions = {}): LstmSequenceOut {
  const [T] = checkShapes('lstmSequenceComposite', 4, xProj, wHh, h0, mask);
  const wantGates = opts.gates ?? true;
  return scope(() => {
    const xs = stepSlices(xProj);
    let h = h0, c = c0;
    const ys: Tensor[] = [], gs: Tensor[] = [], cs: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const step = scope(() => {
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
    const out: LstmSequenceOut = { y: stack(ys, 0), hN: h === h0 ? add(h, 0) : h, cN: c === c0 ? add(c, 0) : c };
    if (wantGates) {
      out.gates = stack(gs, 0); // (T, B, 4H)
      out.cells = stack(cs, 0); // (T, B, H)
    }
    return out;
  });
}

/**
 * GRU time loop (gates r,z,n, reset after the hidden matmul). xProj [T,B,3H] = x·W_ihᵀ + b_ih,
 * wHh [3H,H], bHh [3H] or null (no bias), h0 [B,H].
 *
 * @example
 * const { y, hN } = gruSequenceComposite(xProj, wHh, bHh, h0, mask);
 */
export function gruSequenceComposite(xProj: Tensor, wHh: Tensor, bHh: Tensor | null, h0: Tensor, mask: Tensor | null, opts: CompositeOptions = {}): GruSequenceOut {
  const [T] = checkShapes('gruSequenceComposite', 3, xProj, wHh, h0, mask);
  const wantGates = opts.gates ?? true;
  return scope(() => {
    const xs = stepSlices(xProj);
    let h = h0;
    const ys: Tensor[] = [], gs: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const step = scope(() => {
        const gx = xs[t]!, m = stepMaskAt(mask, t);
        const r = gruStep(gx, h, wHh, bHh ?? undefined);
        return { h: carry(h, r.h, m), y: m ? mul(r.h, m) : r.h, g: wantGates ? concat([r.r, r.z, r.n], 1) : undefined };
      });
      h = step.h;
      ys.push(step.y);
      if (step.g) gs.push(step.g);
    }
    const out: GruSequenceOut = { y: stack(ys, 0), hN: h === h0 ? add(h, 0) : h };
    if (wantGates) out.gates = stack(gs, 0); // (T, B, 3H)
    return out;
  });
}

/**
 * Elman RNN time loop. xProj [T,B,H] = x·W_ihᵀ + b_ih + b_hh, wHh [H,H], h0 [B,H].
 *
 * @example
 * const { y, hN } = rnnSequenceComposite(xProj, wHh, h0, null, 'tanh');
 */
export function rnnSequenceComposite(xProj: Tensor, wHh: Tensor, h0: Tensor, mask: Tensor | null, nonlinearity: Nonlinearity = 'tanh'): RnnSequenceOut {
  const [T] = checkShapes('rnnSequenceComposite', 1, xProj, wHh, h0, mask);
  return scope(() => {
    const xs = stepSlices(xProj);
    let h = h0;
    const ys: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const step = scope(() => {
        const gx = xs[t]!, m = stepMaskAt(mask, t);
        const hNext = rnnStep(gx, h, wHh, nonlinearity);
        return { h: carry(h, hNext, m), y: m ? mul(hNext, m) : hNext };
      });
      h = step.h;
      ys.push(step.y);
    }
    return { y: stack(ys, 0), hN: h === h0 ? add(h, 0) : h };
  });
}
