/** Test helpers: autograd's vector–Jacobian product in the shape gradcheck expects, and inputs. */
import { isFloat, scope, tensor, type Tensor } from '@recur/tensor';
import type { AnalyticVjp } from '@recur/tensor/testing';
import { backward, unwatch, watch } from '../src/index.js';

/** ∂⟨f(xs), u⟩/∂xs via the tape, for every float input (undefined for index inputs). */
export const autogradVjp: AnalyticVjp = (f, xs, u) => {
  const floats = xs.filter((x) => isFloat(x.dtype));
  for (const x of floats) watch(x);
  try {
    const y = scope(() => f(...xs));
    try {
      const grads = backward(y, floats, u);
      return xs.map((x) => (isFloat(x.dtype) ? grads[floats.indexOf(x)] : undefined));
    } finally {
      y.dispose();
    }
  } finally {
    for (const x of floats) unwatch(x);
  }
};

/** Deterministic, non-uniform, distinct values (no ties, no zeros unless shifted there). */
export function smooth(shape: readonly number[], phase = 0, scale = 1, shift = 0): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => shift + scale * (Math.cos(1.3 * i + 0.4 + phase) * 0.9 + 0.01 * i));
}

/** A float64 tensor of `shape` from `smooth` values. */
export function f64(shape: readonly number[], phase = 0, scale = 1, shift = 0): Tensor {
  return tensor(smooth(shape, phase, scale, shift), shape, 'float64');
}

/** Literal float64 tensor. */
export function lit(values: number[], shape?: readonly number[]): Tensor {
  return tensor(values, shape ?? [values.length], 'float64');
}
