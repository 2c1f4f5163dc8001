/** Gradient rules for unary and binary elementwise kernels, where and cast. */
import {
  cast, div, equal, greater, less, log, mul, neg, sub, where, zerosLike, pow, square, scope,
  runKernel, type Tensor,
} from '@recur/tensor';
import { defineGrad } from '../grad-registry.js';
import { unbroadcast } from '../unbroadcast.js';

/** Registers this family's gradient rules (called once by installGradRules). */
export function registerElementwiseGrads(): void {
  const saveOut = () => ({ outputs: [0] });
  const saveIn = () => ({ inputs: [0] });
  /** Save an operand only when the other operand needs a gradient. */
  const saveOther = (needs: readonly boolean[]) => ({
    inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])],
  });
  const saveBoth = () => ({ inputs: [0, 1] });

  // y = −x → dx = −dy
  defineGrad('Neg', { backward: ([dy]) => [() => neg(dy!)] });
  // y = eˣ → dx = dy·y
  defineGrad('Exp', { save: saveOut, backward: ([dy], s) => [() => mul(dy!, s.outputs[0]!)] });
  // y = ln x → dx = dy / x
  defineGrad('Log', { save: saveIn, backward: ([dy], s) => [() => div(dy!, s.inputs[0]!)] });
  // y = √x → dx = dy / (2y)
  defineGrad('Sqrt', { save: saveOut, backward: ([dy], s) => [() => div(dy!, mul(s.outputs[0]!, 2))] });
  // y = tanh x → dx = dy·(1 − y²)
  defineGrad('Tanh', {
    save: saveOut,
    backward: ([dy], s) => [() => mul(dy!, sub(1, square(s.outputs[0]!)))],
  });
  // y = σ(x) → dx = dy·y·(1 − y)
  defineGrad('Sigmoid', {
    save: saveOut,
    backward: ([dy], s) => [() => mul(dy!, mul(s.outputs[0]!, sub(1, s.outputs[0]!)))],
  });
  // y = max(x, 0) → dx = dy where y > 0 (0 at the kink, as PyTorch)
  defineGrad('Relu', {
    save: saveOut,
    backward: ([dy], s) => [() => where(greater(s.outputs[0]!, 0), dy!, 0)],
  });
  // y = |x| → dx = dy·sign(x), sign(0) = 0
  defineGrad('Abs', {
    save: saveIn,
    backward: ([dy], s) => [() => {
      const x = s.inputs[0]!;
      return mul(dy!, sub(cast(greater(x, 0), x.dtype), cast(less(x, 0), x.dtype)));
    }],
  });

  defineGrad('Add', {
    backward: ([dy], s) => [() => unbroadcast(dy!, s.inputShapes[0]!), () => unbroadcast(dy!, s.inputShapes[1]!)],
  });
  defineGrad('Sub', {
    backward: ([dy], s) => [() => unbroadcast(dy!, s.inputShapes[0]!), () => unbroadcast(neg(dy!), s.inputShapes[1]!)],
  });
  // y = a·b → da = dy·b, db = dy·a
  defineGrad('Mul', {
    save: saveOther,
    backward: ([dy], s) => [
      () => unbroadcast(mul(dy!, s.inputs[1]!), s.inputShapes[0]!),
      () => unbroadcast(mul(dy!, s.inputs[0]!), s.inputShapes[1]!),
    ],
  });
  // y = a/b → da = dy/b, db = −dy·a/b²
  defineGrad('Div', {
    save: saveBoth,
    backward: ([dy], s) => [
      () => unbroadcast(div(dy!, s.inputs[1]!), s.inputShapes[0]!),
      () => unbroadcast(neg(div(mul(dy!, s.inputs[0]!), square(s.inputs[1]!))), s.inputShapes[1]!),
    ],
  });
  // torch.maximum: ties split the gradient in half between the operands.
  defineGrad('Maximum', {
    save: saveBoth,
    backward: ([dy], s) => {
      const part = (mine: Tensor, other: Tensor) => scope(() => {
        const tie = equal(mine, other);
        const half = where(tie, div(dy!, 2), dy!);
        return where(less(mine, other), zerosLike(half), half);
      });
      return [
        () => unbroadcast(part(s.inputs[0]!, s.inputs[1]!), s.inputShapes[0]!),
        () => unbroadcast(part(s.inputs[1]!, s.inputs[0]!), s.inputShapes[1]!),
      ];
    },
  });
  // y = aᵇ → da = dy·b·aᵇ⁻¹, db = dy·y·ln a (0 where a = 0, as PyTorch)
  defineGrad('Pow', {
    save: () => ({ inputs: [0, 1], outputs: [0] }),
    backward: ([dy], s) => {
      const [a, b] = [s.inputs[0]!, s.inputs[1]!];
      return [
        () => unbroadcast(mul(dy!, mul(b, pow(a, sub(b, 1)))), s.inputShapes[0]!),
        () => unbroadcast(mul(dy!, where(equal(a, 0), 0, mul(s.outputs[0]!, log(a)))), s.inputShapes[1]!),
      ];
    },
  });
  // where(c, a, b): the gradient flows to whichever side was picked.
  defineGrad('Where', {
    save: () => ({ inputs: [0] }),
    backward: ([dy], s) => [
      undefined,
      () => unbroadcast(where(s.inputs[0]!, dy!, 0), s.inputShapes[1]!),
      () => unbroadcast(where(s.inputs[0]!, 0, dy!), s.inputShapes[2]!),
    ],
  });
  // Float-to-float casts pass the gradient through in the input's dtype.
  defineGrad('Cast', {
    backward: ([dy], s) => [
      s.inputDtypes[0] === 'float32' || s.inputDtypes[0] === 'float64'
        ? () => cast(dy!, s.inputDtypes[0] as 'float32')
        : undefined,
    ],
  });

  // Inverted dropout: dx = dy where kept, scaled; the same kernel with the same counters recomputes
  // the mask on dy (nothing saved).
  defineGrad('Dropout', { backward: ([dy], s) => [() => runKernel('Dropout', [dy!], s.attrs)[0]!] });
}
