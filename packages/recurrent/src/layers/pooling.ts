/**
 * Pooling over the time axis of padded sequence outputs, respecting each sequence's length:
 * padded steps never win a max and never count in a mean (as PyTorch code does with a mask after
 * `pad_packed_sequence`).
 */
import { div, formatShape, greater, max, mul, reshape, scope, sum, tensor, type Tensor, where } from '@recur/tensor';
import { checkLengths, stepMask, type Lengths } from '../rnn/packing.js';

/** One way to pool a sequence: the max or mean over valid steps, or the final hidden state. */
export type PoolMode = 'max' | 'mean' | 'last';
export const POOL_MODES: readonly PoolMode[] = ['max', 'mean', 'last'];

function dims(op: string, x: Tensor, batchFirst: boolean): { T: number; B: number; F: number } {
  if (x.rank !== 3) throw new Error(`${op}: expected a [${batchFirst ? 'B, T' : 'T, B'}, F] sequence, got ${formatShape(x.shape)}`);
  const [a, b, F] = x.shape as [number, number, number];
  return batchFirst ? { T: b, B: a, F } : { T: a, B: b, F };
}

/** Valid-step mask shaped to broadcast over x: [T, B, 1] (time-major) or [B, T, 1]. */
function mask3(lengths: Int32Array, T: number, B: number, batchFirst: boolean): Tensor {
  if (!batchFirst) return reshape(stepMask(lengths, T, B), [T, B, 1]);
  const m = new Float32Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < lengths[b]!; t++) m[b * T + t] = 1;
  return tensor(m, [B, T, 1]);
}

/**
 * Max over the valid steps of each sequence: x [T, B, F] (or [B, T, F] with `batchFirst`) → [B, F].
 * Without lengths every step is valid. Ties share the gradient evenly (torch.amax).
 *
 * @example
 * const { output } = gru.forward(x, { lengths });
 * const pooled = maskedMaxPool(output, lengths); // (B, D·H)
 */
export function maskedMaxPool(x: Tensor, lengths?: Lengths, batchFirst = false): Tensor {
  const { T, B } = dims('maskedMaxPool', x, batchFirst);
  const axis = batchFirst ? 1 : 0;
  if (!lengths) return max(x, [axis]);
  const lens = checkLengths('maskedMaxPool', lengths, T, B);
  return scope(() => max(where(greater(mask3(lens, T, B, batchFirst), 0), x, -Infinity), [axis]));
}

/**
 * Mean over the valid steps of each sequence: x [T, B, F] (or [B, T, F]) → [B, F]; padding is
 * masked out and each sum divided by that sequence's own length.
 *
 * @example
 * const pooled = maskedMeanPool(output, [5, 3]); // (2, F)
 */
export function maskedMeanPool(x: Tensor, lengths?: Lengths, batchFirst = false): Tensor {
  const { T, B } = dims('maskedMeanPool', x, batchFirst);
  const axis = batchFirst ? 1 : 0;
  if (!lengths) return div(sum(x, [axis]), T);
  const lens = checkLengths('maskedMeanPool', lengths, T, B);
  return scope(() => {
    const total = sum(mul(x, mask3(lens, T, B, batchFirst)), [axis]); // (B, F)
    return div(total, tensor(Float32Array.from(lens), [B, 1]));
  });
}
