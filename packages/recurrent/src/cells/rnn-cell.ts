/** Elman RNN step math and PyTorch's `nn.RNNCell`. */
import { add, matMul, relu, scope, tanh, type Tensor } from '@recur/tensor';
import { CellBase, type CellOptions } from './cell-base.js';

export type Nonlinearity = 'tanh' | 'relu';

/** h' = act(gx + h·W_hhᵀ) with gx = x·W_ihᵀ + b_ih + b_hh [B, H]. */
export function rnnStep(gx: Tensor, h: Tensor, wHh: Tensor, nonlinearity: Nonlinearity): Tensor {
  const pre = add(gx, matMul(h, wHh, { transposeB: true })); // (B, H)
  return nonlinearity === 'relu' ? relu(pre) : tanh(pre);
}

export interface RNNCellOptions extends CellOptions {
  /** Default 'tanh'. */
  nonlinearity?: Nonlinearity;
}

/**
 * A single Elman RNN step, PyTorch's `RNNCell(input_size, hidden_size, nonlinearity)`.
 *
 * @example
 * const cell = new RNNCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu' });
 * const h1 = cell.forward(x); // [B, 4]
 */
export class RNNCell extends CellBase {
  readonly nonlinearity: Nonlinearity;

  constructor(opts: RNNCellOptions) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new Error(`RNNCell: unknown nonlinearity '${String(nl)}' (use 'tanh' or 'relu')`);
    super(opts, 1);
    this.nonlinearity = nl;
  }

  forward(x: Tensor, hx?: Tensor): Tensor {
    return scope(() => rnnStep(this.project(x, true), this.checkInput(x, hx), this.weightHh.value, this.nonlinearity));
  }

  protected override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'relu' ? ", nonlinearity=relu" : ''}`;
  }
}
