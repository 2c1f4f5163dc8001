/** Adam and AdamW (PyTorch 1.13 `torch.optim.Adam` / `AdamW`, single-tensor path, amsgrad). */
import { adamUpdate, type Tensor } from '@recur/tensor';
import type { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { Optimizer, type StateTensors } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

/**
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε), eps outside
 * the square root; Adam adds L2 decay to g, AdamW decays p by (1 − lr·λ) first.
 *
 * @example
 * const opt = new Adam(model, { lr: 1e-3 });
 */
export class Adam extends Optimizer {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  protected decoupled = false;

  constructor(params: readonly Parameter[] | Module, opts: AdamOptions = {}, defaultDecay = 0) {
    super(params, opts.lr ?? 1e-3);
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? defaultDecay;
    this.amsgrad = opts.amsgrad ?? false;
    for (const [k, v] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(v >= 0 && v < 1)) throw new Error(`${this.constructor.name}: ${k} must be in [0, 1), got ${v}`);
    }
    if (!(this.eps >= 0) || !(this.weightDecay >= 0)) throw new Error(`${this.constructor.name}: eps and weightDecay must be ≥ 0`);
  }

  protected hyper(): Record<string, number | boolean> {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, amsgrad: this.amsgrad };
  }

  /** One fused `adamUpdate` (one kernel per parameter where the backend has `AdamUpdate`). */
  protected update(p: Tensor, g: Tensor, s: StateTensors, t: number): { p: Tensor; state: StateTensors } {
    const r = adamUpdate(p, g, {
      expAvg: s.exp_avg, expAvgSq: s.exp_avg_sq, maxExpAvgSq: this.amsgrad ? s.max_exp_avg_sq : undefined,
    }, {
      lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay,
      decoupled: this.decoupled, amsgrad: this.amsgrad, step: t,
    });
    const state: StateTensors = { exp_avg: r.expAvg, exp_avg_sq: r.expAvgSq };
    if (r.maxExpAvgSq) state.max_exp_avg_sq = r.maxExpAvgSq;
    return { p: r.param, state };
  }
}

/**
 * Adam with decoupled weight decay (default λ = 0.01): p ← p·(1 − lr·λ) before the Adam step.
 *
 * @example
 * const opt = new AdamW(model, { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Adam {
  constructor(params: readonly Parameter[] | Module, opts: AdamOptions = {}) {
    super(params, opts, 0.01);
    this.decoupled = true;
  }
}
