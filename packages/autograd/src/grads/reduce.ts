/** Gradient rules for reductions. */
import { broadcastTo, cast, div, equal, mul, reshape, sum, type Tensor } from '@recur/tensor';
import { defineGrad } from '../grad-registry.js';

/** Registers this family's gradient rules (called once by installGradRules). */
export function registerReduceGrads(): void {
  /** Shape of a reduction's output with the reduced axes kept as 1. */
  function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
    return shape.map((d, i) => (axes.includes(i) ? 1 : d));
  }

  // y = Σ x → dx = dy broadcast back over the reduced axes.
  defineGrad('Sum', {
    backward: ([dy], s) => {
      const { axes } = s.attrs;
      const shape = s.inputShapes[0]!;
      return [() => broadcastTo(reshape(dy!, keptShape(shape, axes)), shape)];
    },
  });

  // torch.amax: the gradient is shared evenly among tied maxima.
  defineGrad('Max', {
    save: () => ({ inputs: [0], outputs: [0] }),
    backward: ([dy], s) => {
      const { axes } = s.attrs;
      const x = s.inputs[0]!;
      const kept = keptShape(x.shape, axes);
      return [() => {
        const mask = cast(equal(x, reshape(s.outputs[0]!, kept)), x.dtype);
        const count = sum(mask, axes, true);
        return mul(div(mask, count), reshape(dy!, kept) as Tensor);
      }];
    },
  });
}
