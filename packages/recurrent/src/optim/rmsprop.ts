/** RMSprop (PyTorch 1.13 `torch.optim.RMSprop`: centered, momentum, L2 weight decay). */
import { add, div, mul, sqrt, square, sub, type Tensor } from '@recur/tensor';
import type { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { Optimizer, type StateTensors } from './optimizer.js';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}

/**
 * s ← αs + (1−α)g²; avg = √(s − ḡ²) (centered, ḡ ← αḡ + (1−α)g) or √s, plus ε;
 * b ← μb + g/avg, p ← p − lr·b (momentum) or p ← p − lr·g/avg.
 *
 * @example
 * const opt = new RMSprop(model, { lr: 0.01, momentum: 0.9 });
 */
export class RMSprop extends Optimizer {
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;

  constructor(params: readonly Parameter[] | Module, opts: RMSpropOptions = {}) {
    super(params, opts.lr ?? 0.01);
    this.alpha = opts.alpha ?? 0.99;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.momentum = opts.momentum ?? 0;
    this.centered = opts.centered ?? false;
    if (!(this.alpha >= 0) || !(this.eps >= 0) || !(this.momentum >= 0) || !(this.weightDecay >= 0)) {
      throw new Error('RMSprop: alpha, eps, momentum and weightDecay must be ≥ 0');
    }
  }

  protected hyper(): Record<string, number | boolean> {
    return { alpha: this.alpha, eps: this.eps, weightDecay: this.weightDecay, momentum: this.momentum, centered: this.centered };
  }

  protected update(p: Tensor, g: Tensor, s: StateTensors): { p: Tensor; state: StateTensors } {
    const a = this.alpha;
    if (this.weightDecay) g = add(g, mul(p, this.weightDecay));
    const sq = s.square_avg ? add(mul(s.square_avg, a), mul(square(g), 1 - a)) : mul(square(g), 1 - a);
    const state: StateTensors = { square_avg: sq };
    let avg: Tensor;
    if (this.centered) {
      const ga = s.grad_avg ? add(mul(s.grad_avg, a), mul(g, 1 - a)) : mul(g, 1 - a);
      state.grad_avg = ga;
      avg = sqrt(sub(sq, square(ga)));
    } else avg = sqrt(sq);
    avg = add(avg, this.eps);
    if (this.momentum > 0) {
      const step = div(g, avg);
      const buf = s.momentum_buffer ? add(mul(s.momentum_buffer, this.momentum), step) : step;
      state.momentum_buffer = buf;
      return { p: sub(p, mul(buf, this.lr)), state };
    }
    return { p: sub(p, mul(div(g, avg), this.lr)), state };
  }
}
