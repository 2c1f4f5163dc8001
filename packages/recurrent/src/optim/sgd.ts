/** SGD with momentum, dampening, Nesterov and L2 weight decay (PyTorch 1.13 `torch.optim.SGD`). */
import { add, mul, sub, type Tensor } from '@recur/tensor';
import type { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { Optimizer, type StateTensors } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/**
 * g ← g + λp; b ← μb + (1 − τ)g (b = g at the first step); g ← g + μb (Nesterov) or b; p ← p − lr·g.
 *
 * @example
 * const opt = new SGD(model, { lr: 0.1, momentum: 0.9, nesterov: true });
 */
export class SGD extends Optimizer {
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;

  constructor(params: readonly Parameter[] | Module, opts: SGDOptions) {
    super(params, opts.lr);
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.nesterov = opts.nesterov ?? false;
    if (this.momentum < 0 || this.weightDecay < 0) throw new Error(`SGD: momentum ${this.momentum} and weightDecay ${this.weightDecay} must be ≥ 0`);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new Error('SGD: Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected hyper(): Record<string, number | boolean> {
    return { momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov };
  }

  protected update(p: Tensor, g: Tensor, s: StateTensors): { p: Tensor; state: StateTensors } {
    let d = this.weightDecay ? add(g, mul(p, this.weightDecay)) : g;
    const state: StateTensors = {};
    if (this.momentum) {
      const prev = s.momentum_buffer;
      const buf = prev ? add(mul(prev, this.momentum), mul(d, 1 - this.dampening)) : d;
      state.momentum_buffer = buf;
      d = this.nesterov ? add(d, mul(buf, this.momentum)) : buf;
    }
    return { p: sub(p, mul(d, this.lr)), state };
  }
}
