/** Dropout: PyTorch's inverted dropout, identity in eval mode. */
import { dropout as dropoutOp, mul, scope, type Tensor, zerosLike } from '@recur/tensor';
import { Module } from '../module.js';

export interface DropoutOptions {
  /** Probability of zeroing an element (default 0.5). */
  p?: number;
}

/**
 * Zeroes each element with probability `p` in training and scales the rest by 1/(1−p), so eval
 * needs no rescaling. Masks come from the global seeded stream (`setSeed`).
 *
 * @example
 * const drop = new Dropout({ p: 0.5 });
 * drop.forward(x);        // training: about half zeroed, the rest doubled
 * drop.eval().forward(x); // identity
 */
export class Dropout extends Module {
  readonly p: number;

  constructor(opts: DropoutOptions = {}) {
    super();
    const p = opts.p ?? 0.5;
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be in [0, 1], got ${p}`);
    this.p = p;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }

  protected override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}

/** Functional dropout (`training` false or p = 0 returns `x` itself). */
export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  if (!training || p === 0) return x;
  // One fused kernel where the backend has it (the same mask as where/less/randomUniform would draw).
  if (p === 1) return scope(() => mul(x, zerosLike(x)));
  return dropoutOp(x, p);
}
