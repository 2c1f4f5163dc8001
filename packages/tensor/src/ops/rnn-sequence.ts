/**
 * Recurrent sequence ops: one call runs one direction's whole time loop. Each op picks its own
 * path, as `linear` and `dropout` do: the backend's fused kernel (`LSTMSequence`/`GRUSequence`/
 * `RNNSequence` with their `…Grad` twins) when it registers both, else the composite of primitive
 * ops (rnn-composite.ts). Whether the fused kernel keeps its backward state comes from the
 * engine's recording hint (set by autograd), so callers never branch on backends or gradients.
 */
import { ENGINE } from '../engine.js';
import { willRecord } from '../engine-api.js';
import type { KernelName } from '../kernel-contracts.js';
import { hasKernel } from '../registry.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { full, zeros } from './creation.js';
import { assertTensor, runNamedKernel } from './op-utils.js';
import {
  gruComposite, lstmComposite, rnnComposite, type GruSequenceResult, type LstmSequenceResult, type RnnSequenceResult,
} from './rnn-composite.js';
import type { Nonlinearity } from './rnn-steps.js';

export type { GruSequenceResult, LstmSequenceResult, RnnSequenceResult } from './rnn-composite.js';
export type RnnKind = 'lstm' | 'gru' | 'rnn';

const KERNELS: Record<RnnKind, [KernelName, KernelName]> = {
  lstm: ['LSTMSequence', 'LSTMSequenceGrad'],
  gru: ['GRUSequence', 'GRUSequenceGrad'],
  rnn: ['RNNSequence', 'RNNSequenceGrad'],
};

/** True when the active backend registers the fused forward and backward kernels for `kind`. */
export function hasFusedRnn(kind: RnnKind): boolean {
  const name = ENGINE.getBackend().name;
  const [fwd, bwd] = KERNELS[kind];
  return hasKernel(name, fwd) && hasKernel(name, bwd);
}

/** Options of the recurrent sequence ops. */
export interface SequenceOptions {
  /** Use the backend's fused kernel when it has one (default true); false runs the composite. */
  fused?: boolean;
  /** Also return the per-step gate activations (and LSTM cell states). Default false. */
  gates?: boolean;
  /**
   * Fused kernel only: keep the per-step state its backward needs. Default: when a gradient can
   * reach this call (the engine's recording hint) or `gates` is set. Rarely needed.
   */
  keepState?: boolean;
}

function check(op: string, gates: number, xProj: Tensor, wHh: Tensor, h0: Tensor, mask: Tensor | null): [number, number, number] {
  for (const [n, t] of [['xProj', xProj], ['wHh', wHh], ['h0', h0]] as const) assertTensor(op, t, n);
  if (mask !== null) assertTensor(op, mask, 'mask');
  const [T, B, G] = xProj.shape as [number, number, number];
  const H = h0.shape[1] ?? 0;
  const ok = xProj.rank === 3 && G === gates * H && wHh.shape.join() === `${gates * H},${H}`
    && h0.shape.join() === `${B},${H}` && (mask === null || mask.shape.join() === `${T},${B}`);
  if (!ok) {
    throw new Error(`${op}: shapes do not fit: xProj ${fmt(xProj.shape)}, wHh ${fmt(wHh.shape)}, h0 ${fmt(h0.shape)}${mask ? `, mask ${fmt(mask.shape)}` : ''} (want [T,B,${gates}H], [${gates}H,H], [B,H], [T,B])`);
  }
  return [T, B, H];
}

/** The fused path: whether to take it, and the kernel's mask (all ones when none is given). */
function fusedPlan(kind: RnnKind, opts: SequenceOptions, xProj: Tensor, mask: Tensor | null): Tensor | null {
  if (!(opts.fused ?? true) || !hasFusedRnn(kind)) return null;
  return mask ?? full(xProj.shape.slice(0, 2), 1, xProj.dtype); // (T, B)
}

/** Frees kernel outputs the caller did not ask for (the tape holds its own handles on saved ones). */
function drop(...ts: Tensor[]): void {
  for (const t of ts) t.dispose();
}

/**
 * LSTM time loop, one direction (PyTorch gate order i,f,g,o). xProj [T,B,4H] = x·W_ihᵀ + b_ih + b_hh
 * for all steps, wHh [4H,H], h0/c0 [B,H], mask [T,B] (1 valid, 0 padding) or null.
 *
 * @example
 * const { y, hN, cN } = lstmSequence(xProj, wHh, h0, c0, null); // y [T,B,H]
 */
export function lstmSequence(xProj: Tensor, wHh: Tensor, h0: Tensor, c0: Tensor, mask: Tensor | null, opts: SequenceOptions = {}): LstmSequenceResult {
  check('lstmSequence', 4, xProj, wHh, h0, mask);
  assertTensor('lstmSequence', c0, 'c0');
  const wantGates = opts.gates ?? false;
  const m = fusedPlan('lstm', opts, xProj, mask);
  if (!m) return lstmComposite(xProj, wHh, h0, c0, mask, wantGates);
  const keepState = opts.keepState ?? (wantGates || willRecord([xProj, wHh, h0, c0]));
  const { y, hN, cN, gates, cells } = runNamedKernel('LSTMSequence', { xProj, wHh, h0, c0, mask: m }, { keepState });
  if (m !== mask) m.dispose();
  if (wantGates) return { y, hN, cN, gates, cells };
  drop(gates, cells);
  return { y, hN, cN };
}

/**
 * GRU time loop, one direction (PyTorch r,z,n, reset applied after the hidden matmul).
 * xProj [T,B,3H] = x·W_ihᵀ + b_ih; bHh [3H] (or null: no bias) is added inside the loop because
 * b_hn sits inside r ⊙ (…); wHh [3H,H], h0 [B,H], mask [T,B] or null.
 *
 * @example
 * const { y, hN } = gruSequence(xProj, wHh, bHh, h0, mask);
 */
export function gruSequence(xProj: Tensor, wHh: Tensor, bHh: Tensor | null, h0: Tensor, mask: Tensor | null, opts: SequenceOptions = {}): GruSequenceResult {
  check('gruSequence', 3, xProj, wHh, h0, mask);
  if (bHh !== null) assertTensor('gruSequence', bHh, 'bHh');
  const wantGates = opts.gates ?? false;
  const m = fusedPlan('gru', opts, xProj, mask);
  if (!m) return gruComposite(xProj, wHh, bHh, h0, mask, wantGates);
  const keepState = opts.keepState ?? (wantGates || willRecord([xProj, wHh, bHh ?? undefined, h0]));
  const b = bHh ?? zeros([wHh.shape[0]!], wHh.dtype); // (3H)
  const { y, hN, gates, hLin } = runNamedKernel('GRUSequence', { xProj, wHh, bHh: b, h0, mask: m }, { keepState });
  if (m !== mask) m.dispose();
  if (b !== bHh) b.dispose();
  drop(hLin);
  if (wantGates) return { y, hN, gates };
  drop(gates);
  return { y, hN };
}

/**
 * Elman RNN time loop, one direction. xProj [T,B,H] = x·W_ihᵀ + b_ih + b_hh, wHh [H,H], h0 [B,H],
 * mask [T,B] or null.
 *
 * @example
 * const { y, hN } = rnnSequence(xProj, wHh, h0, null, 'tanh');
 */
export function rnnSequence(xProj: Tensor, wHh: Tensor, h0: Tensor, mask: Tensor | null, nonlinearity: Nonlinearity = 'tanh', opts: SequenceOptions = {}): RnnSequenceResult {
  check('rnnSequence', 1, xProj, wHh, h0, mask);
  if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new Error(`rnnSequence: unknown nonlinearity '${String(nonlinearity)}' (use 'tanh' or 'relu')`);
  const m = fusedPlan('rnn', opts, xProj, mask);
  if (!m) return rnnComposite(xProj, wHh, h0, mask, nonlinearity);
  const { y, hN } = runNamedKernel('RNNSequence', { xProj, wHh, h0, mask: m }, { nonlinearity });
  if (m !== mask) m.dispose();
  return { y, hN };
}

/**
 * The composite paths as functions of their own (the fused kernels' reference in parity tests):
 * `lstmSequence(…, { fused: false })` with gates returned by default.
 *
 * @example
 * const ref = lstmSequenceComposite(xProj, wHh, h0, c0, mask); // ref.gates [T,B,4H]
 */
export function lstmSequenceComposite(xProj: Tensor, wHh: Tensor, h0: Tensor, c0: Tensor, mask: Tensor | null, opts: { gates?: boolean } = {}): LstmSequenceResult {
  return lstmSequence(xProj, wHh, h0, c0, mask, { fused: false, gates: opts.gates ?? true });
}

/** GRU composite path (see {@link lstmSequenceComposite}). @example gruSequenceComposite(xProj, wHh, bHh, h0, null) */
export function gruSequenceComposite(xProj: Tensor, wHh: Tensor, bHh: Tensor | null, h0: Tensor, mask: Tensor | null, opts: { gates?: boolean } = {}): GruSequenceResult {
  return gruSequence(xProj, wHh, bHh, h0, mask, { fused: false, gates: opts.gates ?? true });
}

/** Elman RNN composite path (see {@link lstmSequenceComposite}). @example rnnSequenceComposite(xProj, wHh, h0, null, 'relu') */
export function rnnSequenceComposite(xProj: Tensor, wHh: Tensor, h0: Tensor, mask: Tensor | null, nonlinearity: Nonlinearity = 'tanh'): RnnSequenceResult {
  return rnnSequence(xProj, wHh, h0, mask, nonlinearity, { fused: false });
}
