/** Parameter: the one mutable holder of a tensor in Recur (weights, biases, embeddings). */
import { watch, unwatch } from '@recur/autograd';
import { formatShape, keep, type Tensor } from '@recur/tensor';

/**
 * A trainable tensor slot. The value is kept (outside every scope) and, when `requiresGrad`, watched
 * by autograd so `backward(loss, [p.value])` can differentiate with respect to it. `assign` swaps
 * in a new value and disposes the old one — the only mutation in the library.
 *
 * @example
 * const p = new Parameter(zeros([3]));
 * p.assign(ones([3])); // the zeros are freed, the ones are watched
 */
export class Parameter {
  private current: Tensor;
  private grad: boolean;

  /**
   * @param value the initial value (kept; the parameter owns it from now on)
   * @param requiresGrad watch it for gradients (default true)
   * @param name the name its module registered it under, for error messages
   */
  constructor(value: Tensor, requiresGrad = true, readonly name = '') {
    value.assertAlive('Parameter');
    this.current = keep(value);
    this.grad = requiresGrad;
    if (requiresGrad) watch(value);
  }

  get value(): Tensor {
    return this.current;
  }

  get shape(): readonly number[] {
    return this.current.shape;
  }

  get requiresGrad(): boolean {
    return this.grad;
  }

  /** Turns gradient tracking on or off (freezing, e.g. `Embedding.fromPretrained(m, { freeze: true })`). */
  set requiresGrad(on: boolean) {
    if (on === this.grad) return;
    this.grad = on;
    if (on) watch(this.current);
    else unwatch(this.current);
  }

  /** Replaces the value (same shape and dtype), disposing the old one. */
  assign(t: Tensor): void {
    if (t === this.current) return;
    t.assertAlive('Parameter.assign');
    if (t.shape.join() !== this.current.shape.join() || t.dtype !== this.current.dtype) {
      throw new Error(`Parameter.assign: new value ${t.dtype} ${formatShape(t.shape)} does not match ${this.current.dtype} ${formatShape(this.current.shape)}`);
    }
    const old = this.current;
    this.current = keep(t);
    if (this.grad) watch(t);
    const what = this.name ? `parameter '${this.name}'` : 'a Parameter';
    old.disposeBecause(
      `it was the value of ${what}, replaced by Parameter.assign (optimizer.step assigns every parameter a new tensor); ` +
      'read param.value again after each step instead of holding on to the old tensor',
    );
  }

  dispose(): void {
    this.current.dispose();
  }
}
