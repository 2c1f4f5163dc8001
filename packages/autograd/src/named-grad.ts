/**
 * Gradient rules written by name: the saved tensors, the cotangents and the returned gradients are
 * records keyed by the kernel's input and output names (its contract in `@recur/tensor/backend`),
 * so a rule never indexes by position and a wrong name does not compile.
 */
import type { Tensor } from '@recur/tensor';
import {
  inputNames, outputNames, type InputKey, type KernelInputs, type KernelName, type KernelOutputs, type OutputKey,
} from '@recur/tensor/backend';
import { defineGrad, type GradAttrs, type GradThunk } from './grad-registry.js';

/** What a named rule sees: the saved inputs and outputs it listed, by name, plus attrs and needs. */
export interface NamedGradContext<N extends KernelName, SI extends InputKey<N>, SO extends OutputKey<N>> {
  inputs: Pick<Required<KernelInputs<N, Tensor>>, SI>;
  outputs: Pick<Required<KernelOutputs<N, Tensor>>, SO>;
  attrs: GradAttrs<N>;
  /** Which inputs need a gradient. */
  needs: Readonly<Record<InputKey<N>, boolean>>;
}

export interface NamedGradConfig<N extends KernelName, SI extends InputKey<N>, SO extends OutputKey<N>> {
  /** Inputs and outputs to save for the backward pass, by name. */
  save?: { inputs?: readonly SI[]; outputs?: readonly SO[] };
  /** Gradients by input name from the cotangents by output name; an input left out gets none. */
  backward(dys: Required<KernelOutputs<N, Tensor>>, ctx: NamedGradContext<N, SI, SO>): Partial<Record<InputKey<N>, GradThunk>>;
}

/** Positional values as a record over `names` (undefined entries left out). */
function byName<R>(names: readonly string[], values: readonly (Tensor | boolean | undefined)[]): R {
  const out: Record<string, unknown> = {};
  names.forEach((n, i) => { if (values[i] !== undefined) out[n] = values[i]; });
  return out as R;
}

/**
 * The cotangents as a record over the output names, each read through to `dys[i]` only when the
 * rule reads it (backward.ts makes a missing cotangent's zeros on that read, so outputs a rule
 * never reads, such as a fused LSTM's saved gates, cost nothing).
 */
function cotangentsByName<R>(names: readonly string[], dys: readonly Tensor[]): R {
  const out: Record<string, unknown> = {};
  names.forEach((n, i) => {
    if (i < dys.length) Object.defineProperty(out, n, { get: () => dys[i], enumerable: true, configurable: true });
  });
  return out as R;
}

/**
 * Registers the gradient rule of kernel `kernel` in the named form (see {@link defineGrad} for the
 * positional one). Saved tensors are typed by the names listed in `save`.
 *
 * @example
 * defineNamedGrad('RNNSequence', {
 *   save: { inputs: ['wHh', 'h0', 'mask'], outputs: ['y'] },
 *   backward: ({ y: dy, hN: dhN }, { inputs, outputs, attrs }) => {
 *     const g = runNamedKernel('RNNSequenceGrad', { dy, dhN, ...inputs, ...outputs }, attrs);
 *     return { xProj: () => g.dxProj, wHh: () => g.dwHh, h0: () => g.dh0 };
 *   },
 * });
 */
export function defineNamedGrad<N extends KernelName, const SI extends InputKey<N> = never, const SO extends OutputKey<N> = never>(
  kernel: N, config: NamedGradConfig<N, SI, SO>,
): void {
  const ins: readonly string[] = inputNames(kernel), outs: readonly string[] = outputNames(kernel);
  const saved = { inputs: (config.save?.inputs ?? []).map((n) => ins.indexOf(n)), outputs: (config.save?.outputs ?? []).map((n) => outs.indexOf(n)) };
  defineGrad<N>(kernel, {
    save: () => saved,
    backward: (dys, s) => {
      type Ctx = NamedGradContext<N, SI, SO>;
      const grads = config.backward(cotangentsByName<Required<KernelOutputs<N, Tensor>>>(outs, dys), {
        inputs: byName<Ctx['inputs']>(ins, s.inputs), outputs: byName<Ctx['outputs']>(outs, s.outputs),
        attrs: s.attrs, needs: byName<Ctx['needs']>(ins, s.needs),
      }) as Record<string, GradThunk | undefined>;
      return ins.map((n) => grads[n]);
    },
  });
}
