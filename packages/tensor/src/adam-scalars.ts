/**
 * The per-step scalars of one Adam/AdamW update, computed in float64 exactly as PyTorch 1.13's
 * `_single_tensor_adam` computes them in Python, shared by the op's composite path and the CPU and
 * WebGPU `AdamUpdate` kernels (which round them to float32, as PyTorch's `Scalar.to<float>()` does).
 */
import type { AdamUpdateAttrs } from './kernel-names.js';

/** How weight decay enters the step. */
export type AdamDecay = 'none' | 'l2' | 'decoupled';

export interface AdamScalars {
  decay: AdamDecay;
  /** AdamW: p ← p · decayMul, with decayMul = 1 − lr·λ. */
  decayMul: number;
  /** Adam: g ← g + l2 · p, with l2 = λ. */
  l2: number;
  beta1: number;
  /** 1 − β₁ */
  c1: number;
  beta2: number;
  /** 1 − β₂ */
  c2: number;
  /** √(1 − β₂ᵗ) */
  bc2Sqrt: number;
  /** −lr / (1 − β₁ᵗ) (PyTorch's `addcdiv_(m, denom, value=-step_size)`) */
  negStepSize: number;
  eps: number;
}

export function adamScalars(a: AdamUpdateAttrs): AdamScalars {
  const decay: AdamDecay = a.weightDecay === 0 ? 'none' : a.decoupled ? 'decoupled' : 'l2';
  return {
    decay,
    decayMul: 1 - a.lr * a.weightDecay,
    l2: a.weightDecay,
    beta1: a.beta1,
    c1: 1 - a.beta1,
    beta2: a.beta2,
    c2: 1 - a.beta2,
    bc2Sqrt: Math.sqrt(1 - a.beta2 ** a.step),
    negStepSize: -(a.lr / (1 - a.beta1 ** a.step)),
    eps: a.eps,
  };
}
