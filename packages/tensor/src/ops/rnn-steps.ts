/**
 * One step of the LSTM, GRU and Elman RNN equations (PyTorch 1.13 `nn.LSTMCell`, `nn.GRUCell`,
 * `nn.RNNCell`), given the input part of the pre-activations. The composite time loops
 * (rnn-composite.ts) and the recurrent package's cells share them, so both compute the same bits.
 */
import type { Tensor } from '../tensor.js';
import { add, mul, relu, sigmoid, sub, tanh } from './elementwise.js';
import { matMul } from './matmul.js';
import { split } from './movement.js';

/** Elementwise activation of the Elman RNN (PyTorch's `nonlinearity`). */
export type Nonlinearity = 'tanh' | 'relu';

export interface LstmStepResult {
  h: Tensor; // (B, H)
  c: Tensor; // (B, H)
  /** Activated gates i, f, g, o, each (B, H). */
  i: Tensor;
  f: Tensor;
  g: Tensor;
  o: Tensor;
}

/**
 * One LSTM step given the input part of the pre-activations `gx` = x·W_ihᵀ + b_ih + b_hh [B, 4H]:
 * gates = gx + h·W_hhᵀ, split into i, f, g, o (PyTorch order); c' = f⊙c + i⊙g; h' = o⊙tanh(c').
 *
 * @example
 * const { h, c } = lstmStep(gx, h0, c0, wHh); // gx [B,4H], h0/c0 [B,H], wHh [4H,H] → h, c [B,H]
 */
export function lstmStep(gx: Tensor, h: Tensor, c: Tensor, wHh: Tensor): LstmStepResult {
  const pre = add(gx, matMul(h, wHh, { transposeB: true })); // (B, 4H)
  const [ri, rf, rg, ro] = split(pre, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const i = sigmoid(ri), f = sigmoid(rf), g = tanh(rg), o = sigmoid(ro); // (B, H) each
  const c2 = add(mul(f, c), mul(i, g)); // (B, H)
  return { h: mul(o, tanh(c2)), c: c2, i, f, g, o };
}

export interface GruStepResult {
  h: Tensor; // (B, H)
  /** Gates r, z and candidate n, each (B, H). */
  r: Tensor;
  z: Tensor;
  n: Tensor;
}

/**
 * One GRU step given `gx` = x·W_ihᵀ + b_ih [B, 3H] and `bHh` [3H] (or undefined):
 * r, z = σ(gx_rz + (h·W_hhᵀ + b_hh)_rz); n = tanh(gx_n + r ⊙ (h·W_hnᵀ + b_hn)); h' = n + z⊙(h − n),
 * which is PyTorch's (1 − z)⊙n + z⊙h with the reset applied after the hidden matmul.
 *
 * @example
 * const { h } = gruStep(gx, h0, wHh, bHh); // gx [B,3H], h0 [B,H], wHh [3H,H], bHh [3H] → h [B,H]
 */
export function gruStep(gx: Tensor, h: Tensor, wHh: Tensor, bHh: Tensor | undefined): GruStepResult {
  const H = h.shape[1]!;
  let hh = matMul(h, wHh, { transposeB: true }); // (B, 3H)
  if (bHh) hh = add(hh, bHh);
  const [xrz, xn] = split(gx, [2 * H, H], 1) as [Tensor, Tensor];
  const [hrz, hn] = split(hh, [2 * H, H], 1) as [Tensor, Tensor];
  const [r, z] = split(sigmoid(add(xrz, hrz)), 2, 1) as [Tensor, Tensor]; // (B, H) each
  const n = tanh(add(xn, mul(r, hn))); // (B, H)
  return { h: add(n, mul(z, sub(h, n))), r, z, n };
}

/**
 * One Elman RNN step: h' = act(gx + h·W_hhᵀ) with gx = x·W_ihᵀ + b_ih + b_hh [B, H].
 *
 * @example
 * const h1 = rnnStep(gx, h0, wHh, 'tanh'); // gx [B,H], h0 [B,H], wHh [H,H] → [B,H]
 */
export function rnnStep(gx: Tensor, h: Tensor, wHh: Tensor, nonlinearity: Nonlinearity): Tensor {
  const pre = add(gx, matMul(h, wHh, { transposeB: true })); // (B, H)
  return nonlinearity === 'relu' ? relu(pre) : tanh(pre);
}
