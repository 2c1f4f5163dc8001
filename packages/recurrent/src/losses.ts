/** Losses with PyTorch's formulas, reductions and defaults, composed from primitive ops. */
import {
  add, cast, div, equal, formatShape, logSoftmax, mean, mul, neg, oneHot, scope, softplus, square, sub, sum, tensor,
  type Tensor, where,
} from '@recur/tensor';

export type Reduction = 'mean' | 'sum' | 'none';

function reduce(op: string, loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return sum(loss);
  if (reduction === 'mean') return mean(loss);
  throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
}

export interface BceOptions {
  reduction?: Reduction;
  /** Weight of positive examples per class (broadcast over the last axis), as PyTorch's pos_weight. */
  posWeight?: Tensor | readonly number[];
}

/**
 * Binary cross-entropy on logits, stable for any |x|: (1 − y)·x + (1 + (w − 1)·y)·softplus(−x).
 * `logits` and `targets` must have the same shape (PyTorch errors too: squeeze [B, 1] logits first).
 *
 * @example
 * const loss = bceWithLogits(reshape(model.forward(ids, lengths), [-1]), labels); // mean over B
 */
export function bceWithLogits(logits: Tensor, targets: Tensor, opts: BceOptions = {}): Tensor {
  if (logits.shape.join() !== targets.shape.join()) {
    throw new Error(`bceWithLogits: target ${formatShape(targets.shape)} must have the same shape as the logits ${formatShape(logits.shape)}`);
  }
  if (targets.dtype !== logits.dtype) throw new Error(`bceWithLogits: targets are ${targets.dtype}, logits are ${logits.dtype}; cast the labels`);
  return scope(() => {
    const sp = softplus(neg(logits)); // −log σ(x)
    let loss: Tensor;
    if (opts.posWeight === undefined) {
      loss = add(mul(sub(1, targets), logits), sp);
    } else {
      const w = Array.isArray(opts.posWeight) ? tensor([...opts.posWeight], undefined, logits.dtype) : opts.posWeight as Tensor;
      const coef = add(1, mul(sub(w, 1), targets)); // 1 + (w − 1)·y
      loss = add(mul(sub(1, targets), logits), mul(coef, sp));
    }
    return reduce('bceWithLogits', loss, opts.reduction ?? 'mean');
  });
}

export interface CrossEntropyOptions {
  /** Targets equal to this contribute nothing and are left out of the mean (default −100). */
  ignoreIndex?: number;
  reduction?: Reduction;
  /** Mix of the uniform distribution into the targets, in [0, 1] (default 0). */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of `logits` [N, C] against int32 class `targets` [N], PyTorch's `F.cross_entropy`
 * with ignore_index, reduction and label_smoothing. The mean divides by the non-ignored count.
 *
 * @example
 * const loss = crossEntropy(logits, targets, { ignoreIndex: padId, labelSmoothing: 0.1 });
 */
export function crossEntropy(logits: Tensor, targets: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const ignore = opts.ignoreIndex ?? -100, eps = opts.labelSmoothing ?? 0, reduction = opts.reduction ?? 'mean';
  if (logits.rank !== 2) throw new Error(`crossEntropy: logits ${formatShape(logits.shape)} should be [N, C] (reshape [B, T, C] to [B·T, C])`);
  const [N, C] = logits.shape as [number, number];
  if (targets.rank !== 1 || targets.shape[0] !== N) {
    throw new Error(`crossEntropy: targets ${formatShape(targets.shape)} should be [${N}] for logits ${formatShape(logits.shape)}`);
  }
  if (targets.dtype !== 'int32') throw new Error(`crossEntropy: targets must be int32 class indices, got ${targets.dtype}`);
  if (!(eps >= 0 && eps <= 1)) throw new Error(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  if (!['mean', 'sum', 'none'].includes(reduction)) throw new Error(`crossEntropy: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
  return scope(() => {
    const logp = logSoftmax(logits, 1); // (N, C)
    const ignored = equal(targets, ignore); // (N) bool
    const valid = sub(1, cast(ignored, logits.dtype)); // (N) 1 = counted
    const picked = cast(oneHot(where(ignored, 0, targets), C), logits.dtype); // (N, C), ignored rows point at class 0
    const nll = mul(neg(sum(mul(logp, picked), 1)), valid); // (N)
    let loss = nll;
    if (eps > 0) {
      const smooth = mul(neg(sum(logp, 1)), valid); // (N) −Σ_c log p_c
      loss = add(mul(nll, 1 - eps), mul(smooth, eps / C));
    }
    if (reduction === 'none') return loss;
    if (reduction === 'sum') return sum(loss);
    return div(sum(loss), sum(valid)); // NaN when every target is ignored, as PyTorch
  });
}

export interface MseOptions {
  reduction?: Reduction;
}

/**
 * Mean squared error, PyTorch's `F.mse_loss`; shapes must match.
 *
 * @example
 * const loss = mseLoss(pred, target); // mean of (pred − target)²
 */
export function mseLoss(pred: Tensor, target: Tensor, opts: MseOptions = {}): Tensor {
  if (pred.shape.join() !== target.shape.join()) {
    throw new Error(`mseLoss: target ${formatShape(target.shape)} must have the same shape as the prediction ${formatShape(pred.shape)}`);
  }
  return scope(() => reduce('mseLoss', square(sub(pred, target)), opts.reduction ?? 'mean'));
}
