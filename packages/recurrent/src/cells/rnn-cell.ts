/** PyTorch's `nn.RNNCell` (the step math, `rnnStep`, lives in @recur/tensor beside the sequence ops). */
import { rnnStep, scope, type Nonlinearity, type Tensor } from '@recur/tensor';
import { CellBase, type CellOptions } from './cell-base.js';

export type { Nonlinearity } from '@recur/tensor';

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
