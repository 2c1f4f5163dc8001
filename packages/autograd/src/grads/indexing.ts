/** Gradient rules for Gather and ScatterAdd (each is the other's adjoint). */
import { gather, scatterAdd } from '@recur/tensor';
import { defineGrad } from '../grad-registry.js';

/** Registers this family's gradient rules (called once by installGradRules). */
export function registerIndexingGrads(): void {
  // y = x[idx] along axis → dx = scatterAdd(dy, idx) (repeated ids accumulate); ids get none.
  // An embedding lookup's padding index (attrs.paddingIdx) sends nothing: its slice's gradient is 0.
  defineGrad('Gather', {
    save: () => ({ inputs: [1] }),
    backward: ([dy], s) => [
      () => scatterAdd(dy!, s.inputs[1]!, s.inputShapes[0]!, s.attrs.axis, s.attrs.paddingIdx),
      undefined,
    ],
  });

  // y = scatterAdd(u, idx) → du = gather(dy, idx).
  defineGrad('ScatterAdd', {
    save: () => ({ inputs: [1] }),
    backward: ([dy], s) => [() => gather(dy!, s.inputs[1]!, s.attrs.axis), undefined],
  });
}
