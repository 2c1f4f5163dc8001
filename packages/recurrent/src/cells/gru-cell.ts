/** PyTorch's `nn.GRUCell` (the step math, `gruStep`, lives in @recur/tensor beside the sequence ops). */
import { gruStep, scope, type Tensor } from '@recur/tensor';
import { CellBase, type CellOptions } from './cell-base.js';

/**
 * A single GRU step as a module, PyTorch's `GRUCell(input_size, hidden_size)`.
 *
 * @example
 * const cell = new GRUCell({ inputSize: 3, hiddenSize: 4 });
 * const h1 = cell.forward(x, h0); // [B, 4]
 */
export class GRUCell extends CellBase {
  constructor(opts: CellOptions) {
    super(opts, 3);
  }

  forward(x: Tensor, hx?: Tensor): Tensor {
    return scope(() => {
      const h = this.checkInput(x, hx);
      return gruStep(this.project(x, false), h, this.weightHh.value, this.biasHh?.value).h;
    });
  }
}
