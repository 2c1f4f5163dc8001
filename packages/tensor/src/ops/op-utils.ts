/** Shared helpers for op definitions: dispatch, composite scoping, scalar lifting, checks. */
import type { DType } from '../dtype.js';
import { ENGINE, isTensorFromAnotherCopy } from '../engine.js';
import { inputList, outputsOf, type KernelInputs, type KernelName, type KernelOutputs, type KernelSpecs } from '../kernel-contracts.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';

/** A tensor, or a JS number lifted to a scalar of the other operand's dtype. */
export type TensorLike = Tensor | number;

/** Runs a primitive kernel and returns its single output. */
export function run1<N extends KernelName>(name: N, inputs: Tensor[], attrs: KernelSpecs[N]): Tensor {
  return ENGINE.dispatch(name, inputs, attrs)[0]!;
}

/**
 * Runs kernel `name` with its inputs by name (see kernel-contracts.ts) and returns its outputs by
 * name: no positional lists, and the attrs are checked against the kernel's contract.
 *
 * @example
 * const { y, hN } = runNamedKernel('RNNSequence', { xProj, wHh, h0, mask }, { nonlinearity: 'tanh' });
 */
export function runNamedKernel<N extends KernelName>(name: N, inputs: KernelInputs<N, Tensor>, attrs: KernelSpecs[N]): KernelOutputs<N, Tensor> {
  return outputsOf(name, ENGINE.dispatch(name, inputList(name, inputs), attrs));
}

/** Runs a composite op's body in a scope so its temporaries are freed. */
export function composite<T>(fn: () => T): T {
  return ENGINE.scope(fn);
}

export function assertTensor(op: string, x: unknown, what = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    if (isTensorFromAnotherCopy(x)) {
      throw new Error(
        `${op}: ${what} is a Tensor from another copy of @recur/tensor: two copies of the package are loaded (e.g. two versions, ` +
        'or its source and its build), and tensors cannot cross between them. Make every package resolve to one copy ' +
        '(one version in node_modules: `pnpm dedupe` / `npm dedupe`; in Vite, `resolve.dedupe: [\'@recur/tensor\']`)',
      );
    }
    throw new Error(`${op}: ${what} must be a Tensor, got ${typeof x}`);
  }
  x.assertAlive(op);
}

export function scalarLike(value: number, dtype: DType): Tensor {
  return ENGINE.write(dtype === 'float32' ? Float32Array.of(value) : dtype === 'float64'
    ? Float64Array.of(value) : dtype === 'int32' ? Int32Array.of(value) : Uint8Array.of(value ? 1 : 0), [], dtype);
}

/** Lifts numbers to scalars and checks both operands share a dtype. */
export function pair(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') throw new Error(`${op}: at least one operand must be a Tensor`);
  const ta = typeof a === 'number' ? scalarLike(a, (b as Tensor).dtype) : a;
  const tb = typeof b === 'number' ? scalarLike(b, ta.dtype) : b;
  assertTensor(op, ta, 'first operand');
  assertTensor(op, tb, 'second operand');
  if (ta.dtype !== tb.dtype) {
    throw new Error(`${op}: dtypes ${ta.dtype} ${fmt(ta.shape)} and ${tb.dtype} ${fmt(tb.shape)} differ (cast one first)`);
  }
  return [ta, tb];
}

export function assertFloat(op: string, t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new Error(`${op}: expected a float tensor, got ${t.dtype} ${fmt(t.shape)}`);
  }
}
