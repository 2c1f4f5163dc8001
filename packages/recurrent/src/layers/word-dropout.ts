/** Word (embedding) dropout: whole token vectors dropped at once. */
import { dropout, formatShape, mul, ones, scope, type Tensor } from '@recur/tensor';
import { Module } from '../module.js';

/**
 * Zeroes each token's whole embedding vector with probability `p` in training and scales the kept
 * ones by 1/(1−p) (one mask entry per token, broadcast over the features, from the global seeded
 * stream); identity in eval mode. Dropping whole words regularises a text model more than
 * element-wise dropout, which leaves every word partly visible.
 *
 * @example
 * const drop = new WordDropout({ p: 0.1 });
 * const x = drop.forward(embedding.forward(ids)); // (T, B, E): about 10 % of the rows zero
 */
export class WordDropout extends Module {
  readonly p: number;

  constructor(opts: { p?: number } = {}) {
    super();
    const p = opts.p ?? 0.1;
    if (!(p >= 0 && p < 1)) throw new Error(`WordDropout: p must be in [0, 1), got ${p}`);
    this.p = p;
  }

  /** x [..., E] → the same shape, whole last-axis vectors dropped. */
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    if (x.rank < 1) throw new Error(`WordDropout.forward: expected at least one axis, got ${formatShape(x.shape)}`);
    return scope(() => mul(x, dropout(ones([...x.shape.slice(0, -1), 1]), this.p)));
  }

  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}
