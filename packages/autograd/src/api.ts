/** Public autograd API: valueAndGrad, grad, backward, noGrad, watch. */
import { keep, scope, type Tensor } from '@recur/tensor';
import { gradients } from './backward.js';
import { TAPE } from './tape.js';

export interface ValueAndGrad {
  value: Tensor;
  /** grads[i] is the gradient with respect to inputs[i]. */
  grads: Tensor[];
}

/**
 * Turns `f` into a function returning its value and the gradients with respect to every input.
 * Intermediate tensors are freed; dispose `value` and `grads` yourself.
 *
 * @example
 * const { value, grads } = valueAndGrad((x) => sum(mul(x, x)))(tensor([1, 2, 3]));
 * // value 14, grads[0] = [2, 4, 6]
 */
export function valueAndGrad<A extends Tensor[]>(f: (...inputs: A) => Tensor): (...inputs: A) => ValueAndGrad {
  return (...inputs: A) => {
    for (const x of inputs) TAPE.watch(x);
    try {
      const value = keep(scope(() => f(...inputs)));
      try {
        return { value, grads: gradients(value, inputs) };
      } catch (e) {
        value.dispose();
        throw e;
      }
    } finally {
      for (const x of inputs) TAPE.unwatch(x);
    }
  };
}

/**
 * Like `valueAndGrad` but returns only the gradients (the value is freed).
 *
 * @example
 * const [dx] = grad((x) => sum(tanh(x)))(tensor([0.5]));
 */
export function grad<A extends Tensor[]>(f: (...inputs: A) => Tensor): (...inputs: A) => Tensor[] {
  return (...inputs: A) => {
    const { value, grads } = valueAndGrad(f)(...inputs);
    value.dispose();
    return grads;
  };
}

/**
 * Gradients of `loss` with respect to watched tensors (e.g. parameters), after a forward pass run
 * while they were watched. Frees the graph's saved tensors.
 *
 * @example
 * watch(w);
 * const loss = scope(() => mean(square(sub(matMul(x, w), y))));
 * const [dw] = backward(loss, [w]);
 */
export function backward(loss: Tensor, params: readonly Tensor[], dy?: Tensor): Tensor[] {
  return gradients(loss, params, dy);
}

/**
 * Runs `fn` without recording anything for gradients (inference, optimizer updates).
 *
 * @example
 * const logits = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  TAPE.noGradDepth++;
  try {
    return fn();
  } finally {
    TAPE.noGradDepth--;
  }
}

/** Marks `t` as a leaf whose gradient `backward` can compute (watch counts nest). */
export function watch(t: Tensor): void {
  TAPE.watch(t);
}

/** Stops watching `t` (undoes one `watch`). */
export function unwatch(t: Tensor): void {
  TAPE.unwatch(t);
}

/**
 * False inside `noGrad` (nothing is recorded there), true otherwise. Lets a module skip work that
 * only a backward pass would use.
 *
 * @example
 * noGrad(() => isGradEnabled()); // false
 */
export function isGradEnabled(): boolean {
  return TAPE.noGradDepth === 0;
}

/** True when `t` is watched or derived from a watched tensor. */
export function isTracked(t: Tensor): boolean {
  return TAPE.isTracked(t.id);
}

/** Number of live graph nodes (for leak checks in tests). */
export function liveGradNodes(): number {
  return new Set(TAPE.nodeOf.values()).size;
}
