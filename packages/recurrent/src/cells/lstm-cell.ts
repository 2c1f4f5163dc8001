/** PyTorch's `nn.LSTMCell` (the step math, `lstmStep`, lives in @recur/tensor beside the sequence ops). */
import { lstmStep, scope, type Tensor } from '@recur/tensor';
import { CellBase, type CellOptions } from './cell-base.js';

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
