/**
 * Fused recurrent layer ops: one kernel runs a whole direction's time loop. Backends opt in by
 * registering `LSTMSequence`/`GRUSequence`/`RNNSequence` and their `…Grad` twins; the recurrent
 * modules keep a composite reference path with the same signature and call these only when
 * `hasFusedRnn(kind)` says the active backend has them.
 */
import { ENGINE } from '../engine.js';
import { hasKernel } from '../registry.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertTensor } from './op-utils.js';

export type RnnKind = 'lstm' | 'gru' | 'rnn';

const KERNELS: Record<RnnKind, [string, string]> = {
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

function check(op: string, gates: number, xProj: Tensor, wHh: Tensor, h0: Tensor, mask: Tensor): [number, number, number] {
  for (const [n, t] of [['xProj', xProj], ['wHh', wHh], ['h0', h0], ['mask', mask]] as const) assertTensor(op, t, n);
  const [T, B, G] = xProj.shape as [number, number, number];
  const H = h0.shape[1]!;
  const ok = xProj.rank === 3 && G === gates * H && wHh.shape.join() === `${gates * H},${H}`
    && h0.shape.join() === `${B},${H}` && mask.shape.join() === `${T},${B}`;
  if (!ok) {
    throw new Error(`${op}: shapes do not fit: xProj ${fmt(xProj.shape)}, wHh ${fmt(wHh.shape)}, h0 ${fmt(h0.shape)}, mask ${fmt(mask.shape)} (want [T,B,${gates}H], [${gates}H,H], [B,H], [T,B])`);
  }
  return [T, B, H];
}

export interface LstmSequenceResult { y: Tensor; hN: Tensor; cN: Tensor; gates: Tensor; cells: Tensor }
export interface GruSequenceResult { y: Tensor; hN: Tensor; gates: Tensor; hLin: Tensor }
export interface RnnSequenceResult { y: Tensor; hN: Tensor }

/** Options of the fused forward ops. */
export interface FusedRnnOptions {
  /**
   * Return the per-step state the backward kernel needs (default true). Pass false for inference
   * (no gradient through this call): backends may then return `gates`/`cells`/`hLin` empty ([0])
   * and skip writing them.
   */
  keepState?: boolean;
}

/**
 * Fused LSTM time loop (PyTorch gate order i,f,g,o). xProj = x·W_ihᵀ + b_ih + b_hh for all steps.
 *
 * @example
 * const { y, hN, cN } = lstmSequence(xProj, wHh, h0, c0, mask); // y [T,B,H]
 */
export function lstmSequence(xProj: Tensor, wHh: Tensor, h0: Tensor, c0: Tensor, mask: Tensor, opts: FusedRnnOptions = {}): LstmSequenceResult {
  check('lstmSequence', 4, xProj, wHh, h0, mask);
  const [y, hN, cN, gates, cells] = ENGINE.dispatch('LSTMSequence', [xProj, wHh, h0, c0, mask], { keepState: opts.keepState ?? true }) as [Tensor, Tensor, Tensor, Tensor, Tensor];
  return { y, hN, cN, gates, cells };
}

/**
 * Fused GRU time loop (PyTorch r,z,n, reset applied after the hidden matmul).
 * xProj = x·W_ihᵀ + b_ih; bHh is added inside the loop because b_hn sits inside r ⊙ (…).
 *
 * @example
 * const { y, hN } = gruSequence(xProj, wHh, bHh, h0, mask);
 */
export function gruSequence(xProj: Tensor, wHh: Tensor, bHh: Tensor, h0: Tensor, mask: Tensor, opts: FusedRnnOptions = {}): GruSequenceResult {
  check('gruSequence', 3, xProj, wHh, h0, mask);
  const [y, hN, gates, hLin] = ENGINE.dispatch('GRUSequence', [xProj, wHh, bHh, h0, mask], { keepState: opts.keepState ?? true }) as [Tensor, Tensor, Tensor, Tensor];
  return { y, hN, gates, hLin };
}

/**
 * Fused Elman RNN time loop. xProj = x·W_ihᵀ + b_ih + b_hh.
 *
 * @example
 * const { y, hN } = rnnSequence(xProj, wHh, h0, mask, 'tanh');
 */
export function rnnSequence(xProj: Tensor, wHh: Tensor, h0: Tensor, mask: Tensor, nonlinearity: 'tanh' | 'relu' = 'tanh'): RnnSequenceResult {
  check('rnnSequence', 1, xProj, wHh, h0, mask);
  const [y, hN] = ENGINE.dispatch('RNNSequence', [xProj, wHh, h0, mask], { nonlinearity }) as [Tensor, Tensor];
  return { y, hN };
}
