/**
 * Optimizer base: holds the parameters and per-parameter state tensors (kept, owned and disposed
 * here), and applies a pure per-parameter `update(p, g, state) → {p, state}` inside `noGrad` and a
 * scope, so nothing is recorded and every temporary is freed. One parameter group; hyperparameters
 * are public fields (schedulers set `lr`).
 */
import { noGrad } from '@recur/autograd';
import { formatShape, keep, reshape, scope, type Tensor } from '@recur/tensor';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { trainStep } from '../train/step.js';

/** Gradients aligned with the optimizer's parameters, or keyed by parameter. */
export type Grads = readonly Tensor[] | ReadonlyMap<Parameter, Tensor>;

export type StateTensors = Record<string, Tensor>;

/** A saveable optimizer state: JSON-able `meta` plus tensors keyed `<param index>.<name>`. */
export interface OptimizerState {
  meta: { type: string; step: number; lr: number; hyper: Record<string, number | boolean>; params: number[][] };
  tensors: Record<string, Tensor>;
}

export interface MinimizeOptions {
  /** Clip the global gradient norm to this before the update (clipGradNorm, L2); 0 or absent: no clipping. */
  clipNorm?: number;
}

export abstract class Optimizer {
  readonly params: Parameter[];
  lr: number;
  /** Completed steps (PyTorch's per-parameter `step`, shared here). */
  stepCount = 0;
  private state: StateTensors[];

  constructor(params: readonly Parameter[] | Module, lr: number) {
    this.params = params instanceof Module ? params.trainableParameters() : [...params];
    if (this.params.length === 0) throw new Error(`${this.constructor.name}: got an empty parameter list`);
    if (!(lr >= 0)) throw new Error(`${this.constructor.name}: invalid learning rate ${lr}`);
    this.lr = lr;
    this.state = this.params.map(() => ({}));
  }

  /** One parameter's update; runs in noGrad + scope. `t` is the 1-based step number. */
  protected abstract update(p: Tensor, g: Tensor, state: StateTensors, t: number): { p: Tensor; state: StateTensors };

  /** The hyperparameters besides lr, for stateDict and checks. */
  protected abstract hyper(): Record<string, number | boolean>;

  /**
   * Applies one update with `grads` (the caller still owns and disposes them).
   *
   * @example
   * const grads = backward(loss, model.trainableParameters().map((p) => p.value));
   * opt.step(grads);
   * dispose(grads);
   */
  step(grads: Grads): void {
    const gs = this.params.map((p, i) => {
      const g = Array.isArray(grads) ? (grads as readonly Tensor[])[i] : (grads as ReadonlyMap<Parameter, Tensor>).get(p);
      if (!g) throw new Error(`${this.constructor.name}.step: no gradient for parameter ${i} ${formatShape(p.shape)}`);
      if (g.shape.join() !== p.shape.join()) {
        throw new Error(`${this.constructor.name}.step: gradient ${i} is ${formatShape(g.shape)}, parameter is ${formatShape(p.shape)}`);
      }
      return g;
    });
    if (Array.isArray(grads) && grads.length !== this.params.length) {
      throw new Error(`${this.constructor.name}.step: got ${grads.length} gradients for ${this.params.length} parameters`);
    }
    const t = this.stepCount + 1;
    noGrad(() => {
      this.params.forEach((param, i) => {
        const old = this.state[i]!;
        const r = scope(() => {
          const out = this.update(param.value, gs[i]!, old, t);
          // State must not alias what the caller owns (the gradient) or the old value.
          for (const [k, v] of Object.entries(out.state)) {
            if (v === gs[i] || v === param.value) out.state[k] = reshape(v, v.shape);
          }
          return out;
        });
        for (const v of Object.values(r.state)) keep(v);
        for (const [k, v] of Object.entries(old)) if (r.state[k] !== v) v.dispose();
        this.state[i] = r.state;
        param.assign(keep(r.p));
      });
    });
    this.stepCount = t;
  }

  /**
   * A whole training step on a loss closure: {@link trainStep} with this optimizer (forward,
   * backward, optional clipping, update). Throws, leaving the parameters untouched, when the loss is
   * not finite. Returns the loss.
   *
   * @example
   * const loss = await opt.minimize(() => bceWithLogits(model.forward(ids, lengths), labels));
   */
  async minimize(lossFn: () => Tensor, opts: MinimizeOptions = {}): Promise<number> {
    const step = trainStep<void>({ loss: lossFn, optimizer: this, clipNorm: opts.clipNorm ?? 0, label: `${this.constructor.name}.minimize` });
    return (await step()).loss;
  }

  /** Gradients are values returned by `backward`, not stored on parameters: nothing to clear. */
  zeroGrad(): void {}

  /**
   * The state for resuming training; tensors are live (do not dispose). Save them with
   * `writeSafetensors(s.tensors, { optimizer: JSON.stringify(s.meta) })`.
   */
  stateDict(): OptimizerState {
    const tensors: Record<string, Tensor> = {};
    this.state.forEach((s, i) => {
      for (const [k, v] of Object.entries(s)) tensors[`${i}.${k}`] = v;
    });
    return {
      meta: { type: this.constructor.name, step: this.stepCount, lr: this.lr, hyper: this.hyper(), params: this.params.map((p) => [...p.shape]) },
      tensors,
    };
  }

  /** Restores a state from `stateDict()` (tensors are copied by handle; the record stays the caller's). */
  loadStateDict(sd: OptimizerState): void {
    const name = `${this.constructor.name}.loadStateDict`;
    if (sd.meta.type !== this.constructor.name) throw new Error(`${name}: state is for ${sd.meta.type}`);
    if (sd.meta.params.length !== this.params.length) {
      throw new Error(`${name}: state has ${sd.meta.params.length} parameters, the optimizer has ${this.params.length}`);
    }
    const next: StateTensors[] = this.params.map(() => ({}));
    for (const [key, t] of Object.entries(sd.tensors)) {
      const m = /^(\d+)\.(\w+)$/.exec(key);
      const i = m ? Number(m[1]) : -1;
      const p = this.params[i];
      if (!m || !p) throw new Error(`${name}: unexpected key '${key}'`);
      if (t.shape.join() !== p.shape.join()) {
        throw new Error(`${name}: '${key}' is ${formatShape(t.shape)}, parameter ${i} is ${formatShape(p.shape)}`);
      }
      next[i]![m[2]!] = t;
    }
    this.disposeState();
    this.state = next.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, keep(reshape(v, v.shape))])));
    this.stepCount = sd.meta.step;
    this.lr = sd.meta.lr;
    Object.assign(this, sd.meta.hyper);
  }

  private disposeState(): void {
    for (const s of this.state) for (const v of Object.values(s)) v.dispose();
    this.state = this.params.map(() => ({}));
  }

  /** Frees the state tensors (not the parameters). */
  dispose(): void {
    this.disposeState();
  }
}
