/** Gradient clipping with PyTorch's formulas (`clip_grad_norm_`, `clip_grad_value_`), functional. */
import { abs, add, clip, div, keep, max, minimum, mul, pow, scope, sqrt, square, stack, sum, type Tensor } from '@recur/tensor';

export interface ClipNormOptions {
  /** 2 (default), 1, any p > 0, or Infinity. */
  normType?: number;
}

/**
 * Scales all gradients together so their global norm is at most `maxNorm`:
 * coef = min(1, maxNorm / (‖g‖ + 1e-6)). Returns new kept tensors and the total norm (before
 * clipping); the inputs are untouched (dispose them yourself).
 *
 * @example
 * const { grads: clipped, totalNorm } = clipGradNorm(grads, 1.0);
 */
export function clipGradNorm(grads: readonly Tensor[], maxNorm: number, opts: ClipNormOptions = {}): { grads: Tensor[]; totalNorm: Tensor } {
  const p = opts.normType ?? 2;
  if (!(p > 0)) throw new Error(`clipGradNorm: normType must be > 0 or Infinity, got ${p}`);
  if (!(maxNorm >= 0)) throw new Error(`clipGradNorm: maxNorm must be ≥ 0, got ${maxNorm}`);
  if (grads.length === 0) throw new Error('clipGradNorm: no gradients');
  return scope(() => {
    let total: Tensor;
    if (p === Infinity) total = max(stack(grads.map((g) => max(abs(g)))));
    else if (p === 2) total = sqrt(sum(stack(grads.map((g) => sum(square(g))))));
    else if (p === 1) total = sum(stack(grads.map((g) => sum(abs(g)))));
    else {
      const norms = grads.map((g) => pow(sum(pow(abs(g), p)), 1 / p));
      total = pow(sum(pow(stack(norms), p)), 1 / p);
    }
    const coef = minimum(div(maxNorm, add(total, 1e-6)), 1); // clamp(max=1)
    return { grads: grads.map((g) => keep(mul(g, coef))), totalNorm: keep(total) };
  });
}

/**
 * Clamps every gradient element into [−clipValue, clipValue]; returns new kept tensors.
 *
 * @example
 * const clipped = clipGradValue(grads, 0.5);
 */
export function clipGradValue(grads: readonly Tensor[], clipValue: number): Tensor[] {
  if (!(clipValue >= 0)) throw new Error(`clipGradValue: clipValue must be ≥ 0, got ${clipValue}`);
  return scope(() => grads.map((g) => keep(clip(g, -clipValue, clipValue))));
}

