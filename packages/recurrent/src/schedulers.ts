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
