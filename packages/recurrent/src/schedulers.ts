/** Learning-rate schedules (PyTorch's StepLR, CosineAnnealingLR, LambdaLR), closed form. */
import type { Optimizer } from './optim/optimizer.js';

/** Sets `optimizer.lr` from the epoch count; call `step()` once per epoch after the optimizer steps. */
export abstract class LRScheduler {
  readonly baseLr: number;
  /** Completed `step()` calls. */
  epoch = 0;

  constructor(readonly optimizer: Optimizer) {
    this.baseLr = optimizer.lr;
  }

  protected abstract lrAt(epoch: number): number;

  step(): number {
    this.epoch++;
    this.optimizer.lr = this.lrAt(this.epoch);
    return this.optimizer.lr;
  }

  get lr(): number {
    return this.optimizer.lr;
  }

  stateDict(): { epoch: number; baseLr: number } {
    return { epoch: this.epoch, baseLr: this.baseLr };
  }

  loadStateDict(s: { epoch: number }): void {
    this.epoch = s.epoch;
    this.optimizer.lr = this.lrAt(s.epoch);
  }
}

/**
 * lr = base · γ^⌊epoch / stepSize⌋.
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 10, gamma: 0.5 });
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, opts: { stepSize: number; gamma?: number }) {
    super(optimizer);
    if (!Number.isInteger(opts.stepSize) || opts.stepSize < 1) throw new Error(`StepLR: stepSize must be a positive integer, got ${opts.stepSize}`);
    this.stepSize = opts.stepSize;
    this.gamma = opts.gamma ?? 0.1;
  }

  protected lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/**
 * lr = ηmin + (base − ηmin)(1 + cos(π·epoch/tMax))/2 (periodic past tMax, as PyTorch's).
 *
 * @example
 * const sched = new CosineAnnealingLR(opt, { tMax: 20, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, opts: { tMax: number; etaMin?: number }) {
    super(optimizer);
    if (!(opts.tMax > 0)) throw new Error(`CosineAnnealingLR: tMax must be > 0, got ${opts.tMax}`);
    this.tMax = opts.tMax;
    this.etaMin = opts.etaMin ?? 0;
  }

  protected lrAt(epoch: number): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}

/**
 * lr = base · f(epoch), e.g. a linear warm-up.
 *
 * @example
 * const warm = new LambdaLR(opt, (e) => Math.min(1, (e + 1) / 5));
 */
export class LambdaLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly factor: (epoch: number) => number) {
    super(optimizer);
    optimizer.lr = this.baseLr * factor(0);
  }

  protected lrAt(epoch: number): number {
    return this.baseLr * this.factor(epoch);
  }
}

/**
 * PyTorch's LinearLR: lr = base · f, f moving linearly from `startFactor` to `endFactor` over
 * `totalIters` steps, then staying at `endFactor` (a warm-up when startFactor < 1).
 *
 * @example
 * const warm = new LinearLR(opt, { startFactor: 0.1, totalIters: 100 }); // step() once per batch
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer, opts: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(optimizer);
    this.startFactor = opts.startFactor ?? 1 / 3;
    this.endFactor = opts.endFactor ?? 1;
    this.totalIters = opts.totalIters ?? 5;
    if (!(this.startFactor > 0 && this.startFactor <= 1) || !(this.endFactor >= 0 && this.endFactor <= 1)) {
      throw new Error(`LinearLR: startFactor must be in (0, 1] and endFactor in [0, 1], got ${this.startFactor}, ${this.endFactor}`);
    }
    if (!Number.isInteger(this.totalIters) || this.totalIters < 1) throw new Error(`LinearLR: totalIters must be a positive integer, got ${this.totalIters}`);
    optimizer.lr = this.lrAt(0);
  }

  protected lrAt(step: number): number {
    const t = Math.min(step, this.totalIters) / this.totalIters;
    return this.baseLr * (this.startFactor + (this.endFactor - this.startFactor) * t);
  }
}

export interface OneCycleOptions {
  /** Optimizer steps in the whole run (PyTorch's total_steps). */
  totalSteps: number;
  /** Peak learning rate (default: the optimizer's lr when the scheduler is made). */
  maxLr?: number;
  /** Share of the steps spent rising to maxLr (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear' annealing within each phase. */
  annealStrategy?: 'cos' | 'linear';
  /** initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** final lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
}

/**
 * PyTorch's OneCycleLR (two phases): warm up from maxLr/divFactor to maxLr over the first
 * pctStart·totalSteps − 1 steps, then anneal to the initial lr / finalDivFactor at step
 * totalSteps − 1. Call `step()` after every optimizer step; the lr depends on the step count only,
 * so a resumed run sets it with `loadStateDict({ epoch: steps })`.
 *
 * @example
 * const sched = new OneCycleLR(opt, { maxLr: 3e-3, totalSteps: epochs * batchesPerEpoch });
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly maxLr: number;
  readonly initialLr: number;
  readonly minLr: number;
  readonly warmEnd: number;
  readonly anneal: 'cos' | 'linear';

  constructor(optimizer: Optimizer, opts: OneCycleOptions) {
    super(optimizer);
    const { totalSteps } = opts;
    if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new Error(`OneCycleLR: totalSteps must be a positive integer, got ${totalSteps}`);
    const pct = opts.pctStart ?? 0.3;
    if (!(pct >= 0 && pct <= 1)) throw new Error(`OneCycleLR: pctStart must be in [0, 1], got ${pct}`);
    this.totalSteps = totalSteps;
    this.maxLr = opts.maxLr ?? optimizer.lr;
    this.initialLr = this.maxLr / (opts.divFactor ?? 25);
    this.minLr = this.initialLr / (opts.finalDivFactor ?? 1e4);
    this.warmEnd = pct * totalSteps - 1;
    this.anneal = opts.annealStrategy ?? 'cos';
    optimizer.lr = this.lrAt(0);
  }

  private interp(start: number, end: number, pct: number): number {
    return this.anneal === 'cos' ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
  }

  protected lrAt(step: number): number {
    if (step > this.totalSteps) throw new Error(`OneCycleLR: step ${step} is past totalSteps ${this.totalSteps}`);
    if (step <= this.warmEnd && this.warmEnd > 0) return this.interp(this.initialLr, this.maxLr, step / this.warmEnd);
    return this.interp(this.maxLr, this.minLr, (step - this.warmEnd) / (this.totalSteps - 1 - this.warmEnd));
  }
}
