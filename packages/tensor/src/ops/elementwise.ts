/** Elementwise ops: unary math, broadcasting arithmetic, comparisons, where, cast and friends. */
import type { DType } from '../dtype.js';
import type { BinaryKernel, UnaryKernel } from '../kernel-names.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertTensor, composite, pair, run1, type TensorLike } from './op-utils.js';

function unary(name: UnaryKernel, op: string, floatOnly: boolean) {
  return (x: Tensor): Tensor => {
    assertTensor(op, x);
    if (floatOnly) assertFloat(op, x);
    return run1(name, [x], {});
  };
}

function binary(name: BinaryKernel | 'Less' | 'Equal', op: string) {
  return (a: TensorLike, b: TensorLike): Tensor =>
    composite(() => {
      const [ta, tb] = pair(op, a, b);
      broadcastShapes(op, ta.shape, tb.shape);
      return run1(name, [ta, tb], {});
    });
}

/** -x. @example neg(tensor([1, -2])) // [-1, 2] */
export const neg = unary('Neg', 'neg', false);
/** e^x. @example exp(tensor([0])) // [1] */
export const exp = unary('Exp', 'exp', true);
/** Natural log. @example log(tensor([1])) // [0] */
export const log = unary('Log', 'log', true);
/** Square root. @example sqrt(tensor([4])) // [2] */
export const sqrt = unary('Sqrt', 'sqrt', true);
/** Hyperbolic tangent. @example tanh(tensor([0])) // [0] */
export const tanh = unary('Tanh', 'tanh', true);
/** Logistic sigmoid, computed stably. @example sigmoid(tensor([0])) // [0.5] */
export const sigmoid = unary('Sigmoid', 'sigmoid', true);
/** max(x, 0). @example relu(tensor([-1, 2])) // [0, 2] */
export const relu = unary('Relu', 'relu', false);
/** |x|. @example abs(tensor([-3])) // [3] */
export const abs = unary('Abs', 'abs', false);

/** a + b with broadcasting. @example add(tensor([1, 2]), 1) // [2, 3] */
export const add = binary('Add', 'add');
/** a − b with broadcasting. @example sub(tensor([3]), tensor([1])) // [2] */
export const sub = binary('Sub', 'sub');
/** a · b elementwise with broadcasting. @example mul(tensor([2, 3]), 2) // [4, 6] */
export const mul = binary('Mul', 'mul');
/** a / b with broadcasting. @example div(tensor([1]), 4) // [0.25] */
export const div = binary('Div', 'div');
/** Elementwise maximum (NaN-propagating). @example maximum(tensor([1, 5]), 3) // [3, 5] */
export const maximum = binary('Maximum', 'maximum');
/** a^b. @example pow(tensor([2]), 3) // [8] */
export const pow = binary('Pow', 'pow');
/** a < b as bool. @example less(tensor([1, 3]), 2) // [true, false] */
export const less = binary('Less', 'less');
/** a == b as bool. @example equal(tensor([1, 2], undefined, 'int32'), 2) // [false, true] */
export const equal = binary('Equal', 'equal');

/** a > b as bool. */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return less(b, a);
}

/** Elementwise minimum: −max(−a, −b). */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return composite(() => {
    const [ta, tb] = pair('minimum', a, b);
    return neg(maximum(neg(ta), neg(tb)));
  });
}

/** x². */
export function square(x: Tensor): Tensor {
  return mul(x, x);
}

/** Reciprocal 1/x. */
export function reciprocal(x: Tensor): Tensor {
  return div(1, x);
}

/** Clamps into [lo, hi]. @example clip(tensor([-2, 0.5, 9]), 0, 1) // [0, 0.5, 1] */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  if (lo > hi) throw new Error(`clip: lower bound ${lo} exceeds upper bound ${hi}`);
  return composite(() => minimum(maximum(x, lo), hi));
}

/** log(1 + e^x), computed stably as max(x,0) + log(1 + e^−|x|). */
export function softplus(x: Tensor): Tensor {
  return composite(() => add(relu(x), log(add(exp(neg(abs(x))), 1))));
}

/**
 * Picks `a` where `cond` is true, else `b`, with broadcasting over all three.
 *
 * @example
 * where(less(x, 0), zerosLike(x), x) // relu
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  return composite(() => {
    assertTensor('where', cond, 'condition');
    if (cond.dtype !== 'bool') throw new Error(`where: condition must be bool, got ${cond.dtype}`);
    const [ta, tb] = pair('where', a, b);
    broadcastShapes('where', broadcastShapes('where', cond.shape, ta.shape), tb.shape);
    return run1('Where', [cond, ta, tb], {});
  });
}

/** Converts to another dtype (int32 truncates toward zero; bool is x ≠ 0). @example cast(t, 'int32') */
export function cast(x: Tensor, dtype: DType): Tensor {
  assertTensor('cast', x);
  return run1('Cast', [x], { dtype });
}
