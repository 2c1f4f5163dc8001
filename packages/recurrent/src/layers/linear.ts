/** Linear: y = x·Wᵀ + b over the last axis, PyTorch's `nn.Linear`. */
import { formatShape, linear, reshape, scope, type Tensor } from '@recur/tensor';
import { uniformInit } from '../init.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';

export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** Default true. */
  bias?: boolean;
  seed?: number;
}

/**
 * A fully connected layer with PyTorch's parameters `weight` [O, I] and `bias` [O], both initialised
 * U(−1/√I, 1/√I) (what `kaiming_uniform_(a=√5)` reduces to).
 *
 * @example
 * const fc = new Linear({ inFeatures: 512, outFeatures: 1 });
 * const logits = fc.forward(features); // [B, 512] → [B, 1]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Parameter;
  readonly bias: Parameter | undefined;

  constructor(opts: LinearOptions) {
    super(opts.seed);
    const { inFeatures: I, outFeatures: O } = opts;
    for (const [k, v] of [['inFeatures', I], ['outFeatures', O]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`Linear: ${k} must be a positive integer, got ${v}`);
    }
    this.inFeatures = I;
    this.outFeatures = O;
    const bound = 1 / Math.sqrt(I);
    this.weight = this.param('weight', uniformInit([O, I], bound, this.seedFor('weight')));
    this.bias = (opts.bias ?? true) ? this.param('bias', uniformInit([O], bound, this.seedFor('bias'))) : undefined;
  }

  /** x [..., I] → [..., O]. */
  forward(x: Tensor): Tensor {
    const I = this.inFeatures;
    if (x.rank < 1 || x.shape[x.rank - 1] !== I) {
      throw new Error(`Linear.forward: input ${formatShape(x.shape)} should end in in_features=${I}`);
    }
    return scope(() => {
      const x2 = x.rank === 2 ? x : reshape(x, [-1, I]); // (N, I)
      const y = linear(x2, this.weight.value, this.bias?.value); // (N, O)
      return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), this.outFeatures]);
    });
  }

  protected override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}
