/** Gradient rules keyed by kernel name (the same constants the backends and ONNX mapper use). */
import type { Tensor } from '@recur/tensor';
import type { KernelName, KernelSpecs } from '@recur/tensor/backend';
// A cycle (the rules call defineGrad), safe because both sides are only used at call time.
import { installGradRules } from './grads/index.js';

/** The attrs a rule for kernel `N` sees: typed by the kernel's contract for a known kernel. */
export type GradAttrs<N extends string> = N extends KernelName ? Readonly<KernelSpecs[N]> : Readonly<Record<string, unknown>>;

/** What a rule sees: saved tensors (only those it asked for), attrs and input/output metadata. */
export interface GradContext<N extends string = string> {
  /** Saved inputs, by position (undefined where not saved). */
  inputs: readonly (Tensor | undefined)[];
  /** Saved outputs, by position. */
  outputs: readonly (Tensor | undefined)[];
  attrs: GradAttrs<N>;
  inputShapes: readonly (readonly number[])[];
  inputDtypes: readonly string[];
  outputShapes: readonly (readonly number[])[];
  /** Which inputs need a gradient. */
  needs: readonly boolean[];
}

/** Lazily computes one input's gradient: thunks nobody needs are never called. */
export type GradThunk = () => Tensor;

export interface GradConfig<N extends string = string> {
  /**
   * Which tensors to save, given which inputs need gradients (save an operand only when the other
   * side is tracked; save outputs where that is cheaper, e.g. tanh).
   */
  save?: (needs: readonly boolean[]) => { inputs?: number[]; outputs?: number[] };
  /** Gradients per input from the output cotangents `dys` (one per output). */
  backward(dys: readonly Tensor[], ctx: GradContext<N>): (GradThunk | undefined)[];
}

const rules = new Map<string, GradConfig>();

/**
 * Registers the gradient rule of a kernel.
 *
 * @example
 * defineGrad('Exp', { save: () => ({ outputs: [0] }), backward: ([dy], s) => [() => mul(dy!, s.outputs[0]!)] });
 */
export function defineGrad<N extends string>(kernel: N, config: GradConfig<N>): void {
  // Built-ins go in first, so a user's rule for the same kernel is never overwritten later.
  installGradRules();
  rules.set(kernel, config as unknown as GradConfig);
}

export function getGrad(kernel: string): GradConfig | undefined {
  installGradRules();
  return rules.get(kernel);
}

export function registeredGradKernels(): string[] {
  installGradRules();
  return [...rules.keys()];
}
