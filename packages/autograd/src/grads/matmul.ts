/** Gradient rules for BatchMatMul (transpose flags, batch broadcasting) and the fused Linear. */
import { matMul, sum, type Tensor } from '@recur/tensor';
import { defineGrad } from '../grad-registry.js';

/** Registers this family's gradient rules (called once by installGradRules). */
export function registerMatMulGrads(): void {
  /** Sums over the batch axis when the operand was broadcast (batch 1 against batch > 1). */
  function fitBatch(g: Tensor, batch: number): Tensor {
    return batch === 1 && g.shape[0] !== 1 ? sum(g, 0, true) : g;
  }

  /** Two-operand products: each operand's gradient needs the other operand. */
  const saveOther = (needs: readonly boolean[]) => ({ inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] });

  // C = op(A)·op(B):
  //   plain:   dA = dC·Bᵀ      dB = Aᵀ·dC
  //   tA:      dA = B·dCᵀ      dB = A·dC
  //   tB:      dA = dC·B       dB = dCᵀ·A
  //   tA, tB:  dA = Bᵀ·dCᵀ     dB = dCᵀ·Aᵀ
  defineGrad('BatchMatMul', {
    save: saveOther,
    backward: ([dc], s) => {
      const { transposeA: ta, transposeB: tb } = s.attrs;
      const a = s.inputs[0]!, b = s.inputs[1]!;
      const batchA = s.inputShapes[0]![0]!, batchB = s.inputShapes[1]![0]!;
      const dA = () => fitBatch(
        !ta ? matMul(dc!, b, { transposeB: !tb }) : matMul(b, dc!, { transposeA: tb, transposeB: true }),
        batchA,
      );
      const dB = () => fitBatch(
        !tb ? matMul(a, dc!, { transposeA: !ta }) : matMul(dc!, a, { transposeA: true, transposeB: ta }),
        batchB,
      );
      return [dA, dB];
    },
  });

  // y = x·wᵀ + b:  dx = dy·w   dw = dyᵀ·x   db = Σ_rows dy
  defineGrad('Linear', {
    save: saveOther,
    backward: ([dy], s) => [
      () => matMul(dy!, s.inputs[1]!),
      () => matMul(dy!, s.inputs[0]!, { transposeA: true }),
      () => sum(dy!, 0),
    ],
  });
}
