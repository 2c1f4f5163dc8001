/**
 * Optimizer update ops. `adamUpdate` runs the fused `AdamUpdate` kernel where the active backend
 * registers it and otherwise the composite reference path below (the same formula built from
 * primitives), so every backend can run it. No gradient: optimizers run under `noGrad`.
 */
import { adamScalars } from '../adam-scalars.js';
import type { DType } from '../dtype.js';
import { ENGINE } from '../engine.js';
import type { AdamUpdateAttrs } from '../kernel-names.js';
import { hasKernel } from '../registry.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { zeros } from './creation.js';
import { add, div, maximum, mul, sqrt } from './elementwise.js';
import { assertTensor, composite } from './op-utils.js';

/** Adam's running moments for one parameter; absent entries start at zero (the first step). */
export interface AdamState {
  /** m, PyTorch's `exp_avg` */
  expAvg?: Tensor;
  /** v, PyTorch's `exp_avg_sq` */
  expAvgSq?: Tensor;
  /** max of v so far, PyTorch's `max_exp_avg_sq` (amsgrad only) */
  maxExpAvgSq?: Tensor;
}

/** Hyperparameters of one step; defaults are PyTorch's (β = (0.9, 0.999), ε = 1e-8, λ = 0). */
export interface AdamUpdateOptions {
  lr: number;
  /** 1-based step number t (bias corrections 1 − βᵗ). */
  step: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** AdamW's decoupled decay p ← p·(1 − lr·λ) instead of Adam's g ← g + λ·p. */
  decoupled?: boolean;
  amsgrad?: boolean;
}

export interface AdamUpdateResult {
  param: Tensor;
  expAvg: Tensor;
  expAvgSq: Tensor;
  /** Present when `amsgrad`. */
  maxExpAvgSq?: Tensor;
}

const OP = 'adamUpdate';

function attrsOf(o: AdamUpdateOptions): AdamUpdateAttrs {
  const a: AdamUpdateAttrs = {
    lr: o.lr, beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? 0.999, eps: o.eps ?? 1e-8, weightDecay: o.weightDecay ?? 0,
    decoupled: o.decoupled ?? false, amsgrad: o.amsgrad ?? false, step: o.step,
  };
  for (const k of ['lr', 'eps', 'weightDecay'] as const) {
    if (typeof a[k] !== 'number' || !Number.isFinite(a[k]) || a[k] < 0) throw new Error(`${OP}: ${k} must be a finite number ≥ 0, got ${a[k]}`);
  }
  for (const k of ['beta1', 'beta2'] as const) {
    if (typeof a[k] !== 'number' || !(a[k] >= 0 && a[k] < 1)) throw new Error(`${OP}: ${k} must be in [0, 1), got ${a[k]}`);
  }
  if (!Number.isInteger(a.step) || a.step < 1) throw new Error(`${OP}: step must be an integer ≥ 1, got ${a.step}`);
  return a;
}

/** Checks the tensors (one shape, one float dtype) and returns the kernel inputs, zeros for absent state. */
function inputsOf(param: Tensor, grad: Tensor, state: AdamState, amsgrad: boolean): Tensor[] {
  assertTensor(OP, param, 'param');
  const dtype: DType = param.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') throw new Error(`${OP}: param must be float32 or float64, got ${dtype} ${fmt(param.shape)}`);
  if (!amsgrad && state.maxExpAvgSq) throw new Error(`${OP}: maxExpAvgSq ${fmt(state.maxExpAvgSq.shape)} given without amsgrad`);
  const named: Array<[string, Tensor | undefined]> = [['grad', grad], ['expAvg', state.expAvg], ['expAvgSq', state.expAvgSq]];
  if (amsgrad) named.push(['maxExpAvgSq', state.maxExpAvgSq]);
  return [param, ...named.map(([name, t]) => {
    if (t === undefined) {
      if (name === 'grad') throw new Error(`${OP}: grad is missing`);
      return zeros(param.shape, dtype);
    }
    assertTensor(OP, t, name);
    if (t.dtype !== dtype || fmt(t.shape) !== fmt(param.shape)) {
      throw new Error(`${OP}: ${name} is ${t.dtype} ${fmt(t.shape)}, param is ${dtype} ${fmt(param.shape)} (they must match)`);
    }
    return t;
  })];
}

function resultOf(outs: Tensor[]): AdamUpdateResult {
  const [param, expAvg, expAvgSq, maxExpAvgSq] = outs as [Tensor, Tensor, Tensor, Tensor?];
  return maxExpAvgSq ? { param, expAvg, expAvgSq, maxExpAvgSq } : { param, expAvg, expAvgSq };
}

/**
 * One Adam or AdamW step for one parameter, with PyTorch 1.13's formulas (`torch.optim.Adam` /
 * `AdamW`, single-tensor path): Adam adds λ·p to g, AdamW scales p by (1 − lr·λ) first; then
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², v̂ = max(v̂, v) with amsgrad (else v),
 * p ← p − lr/(1−β₁ᵗ) · m / (√v̂/√(1−β₂ᵗ) + ε). Returns fresh tensors; the inputs are untouched
 * (dispose the old ones yourself). One fused kernel where the backend has `AdamUpdate`.
 *
 * @example
 * let w = tensor([0.5, -1]);
 * const grad = tensor([0.1, -0.2]);
 * let state: AdamState = {};
 * for (let t = 1; t <= 3; t++) {
 *   const r = adamUpdate(w, grad, state, { lr: 0.1, step: t });
 *   for (const old of [w, state.expAvg, state.expAvgSq]) old?.dispose();
 *   w = r.param;
 *   state = { expAvg: r.expAvg, expAvgSq: r.expAvgSq };
 * }
 * console.log(await w.array()); // ≈ [0.2, -0.7]: each step moves by about lr against the gradient's sign
 */
export function adamUpdate(param: Tensor, grad: Tensor, state: AdamState, opts: AdamUpdateOptions): AdamUpdateResult {
  const attrs = attrsOf(opts);
  if (!hasKernel(ENGINE.getBackend().name, 'AdamUpdate')) return adamUpdateComposite(param, grad, state, opts);
  return composite(() => resultOf(ENGINE.dispatch('AdamUpdate', inputsOf(param, grad, state, attrs.amsgrad), attrs)));
}

/**
 * The reference path of `adamUpdate`, built from primitive ops in PyTorch's operation order
 * (without its fused multiply-adds, so float32 results may differ from the kernel by an ulp).
 */
export function adamUpdateComposite(param: Tensor, grad: Tensor, state: AdamState, opts: AdamUpdateOptions): AdamUpdateResult {
  const attrs = attrsOf(opts);
  const s = adamScalars(attrs);
  return composite(() => {
    let [p, g, m0, v0, vmax0] = inputsOf(param, grad, state, attrs.amsgrad) as [Tensor, Tensor, Tensor, Tensor, Tensor?];
    if (s.decay === 'decoupled') p = mul(p, s.decayMul);
    else if (s.decay === 'l2') g = add(g, mul(p, s.l2));
    const expAvg = add(mul(m0, s.beta1), mul(g, s.c1));
    const expAvgSq = add(mul(v0, s.beta2), mul(mul(g, s.c2), g));
    const maxExpAvgSq = vmax0 ? maximum(vmax0, expAvgSq) : undefined;
    const denom = add(div(sqrt(maxExpAvgSq ?? expAvgSq), s.bc2Sqrt), s.eps);
    return resultOf([add(p, div(mul(expAvg, s.negStepSize), denom)), expAvg, expAvgSq, ...(maxExpAvgSq ? [maxExpAvgSq] : [])]);
  });
}
