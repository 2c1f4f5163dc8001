/** GRU step math (PyTorch's reset-after form) and `nn.GRUCell`. */
import { add, matMul, mul, scope, sigmoid, split, sub, tanh, type Tensor } from '@recur/tensor';
import { CellBase, type CellOptions } from './cell-base.js';

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
