/** LSTM step math and PyTorch's `nn.LSTMCell`. */
import { add, matMul, mul, scope, sigmoid, split, tanh, type Tensor } from '@recur/tensor';
import { CellBase, type CellOptions } from './cell-base.js';

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
 */
export function lstmStep(gx: Tensor, h: Tensor, c: Tensor, wHh: Tensor): LstmStepResult {
  const pre = add(gx, matMul(h, wHh, { transposeB: true })); // (B, 4H)
  const [ri, rf, rg, ro] = split(pre, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const i = sigmoid(ri), f = sigmoid(rf), g = tanh(rg), o = sigmoid(ro); // (B, H) each
  const c2 = add(mul(f, c), mul(i, g)); // (B, H)
  return { h: mul(o, tanh(c2)), c: c2, i, f, g, o };
}

/**
 * A single LSTM step as a module, PyTorch's `LSTMCell(input_size, hidden_size)`.
 *
 * @example
 * const cell = new LSTMCell({ inputSize: 3, hiddenSize: 4 });
 * const { h, c } = cell.forward(x); // x [B, 3] → h, c [B, 4] (zero initial state)
 */
export class LSTMCell extends CellBase {
  constructor(opts: CellOptions) {
    super(opts, 4);
  }

  forward(x: Tensor, state?: { h?: Tensor; c?: Tensor }): { h: Tensor; c: Tensor } {
    return scope(() => {
      const h = this.checkInput(x, state?.h, 'h');
      const c = this.checkInput(x, state?.c, 'c');
      const r = lstmStep(this.project(x, true), h, c, this.weightHh.value);
      return { h: r.h, c: r.c };
    });
  }
}
