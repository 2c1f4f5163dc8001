/**
 * Variable-length batches with PyTorch's packed-sequence semantics, expressed as host-side masks
 * and per-sequence time reversals instead of a packed data layout. Given `lengths` (host data, one
 * per sequence), a padded [T, B, ·] batch behaves exactly like `pack_padded_sequence(x, lengths,
 * enforce_sorted=False)` through an RNN followed by `pad_packed_sequence(…, total_length=T)`:
 * outputs are zero past each length, h_n/c_n come from each sequence's last valid step, and the
 * reverse direction starts at each sequence's own end. Lengths need not be sorted.
 */
import { gather, reshape, tensor, type Tensor } from '@recur/tensor';

export type Lengths = Int32Array | readonly number[];

/** Checks 1 ≤ length ≤ T for each of the B sequences; returns them as an Int32Array. */
export function checkLengths(op: string, lengths: Lengths, T: number, B: number): Int32Array {
  if (lengths.length !== B) {
    throw new Error(`${op}: got ${lengths.length} lengths for a batch of ${B} sequences`);
  }
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const n = lengths[b]!;
    if (!Number.isInteger(n) || n < 1 || n > T) {
      throw new Error(`${op}: lengths[${b}] = ${n} must be an integer in [1, ${T}] (the sequence has ${T} steps)`);
    }
    out[b] = n;
  }
  return out;
}

/** True when some sequence is shorter than T (a mask is needed). */
export function needsMask(lengths: Int32Array | undefined, T: number): boolean {
  return !!lengths && lengths.some((n) => n < T);
}

/** Float mask [T, B]: 1 at valid steps, 0 at padding (all ones without lengths). */
export function stepMask(lengths: Int32Array | undefined, T: number, B: number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const m = dtype === 'float64' ? new Float64Array(T * B) : new Float32Array(T * B);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) m[t * B + b] = !lengths || t < lengths[b]! ? 1 : 0;
  return tensor(m, [T, B], dtype);
}

/**
 * Flat gather indices that reverse each sequence within its own length on a [T·B, ·] view:
 * row (t, b) takes row (len_b − 1 − t, b) for t < len_b and stays put in the padding. The
 * permutation is its own inverse, so the same indices reverse the outputs back.
 */
export function reverseIndices(lengths: Int32Array | undefined, T: number, B: number): Tensor {
  const idx = new Int32Array(T * B);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const n = lengths ? lengths[b]! : T;
      idx[t * B + b] = (t < n ? n - 1 - t : t) * B + b;
    }
  }
  return tensor(idx, [T * B], 'int32');
}

/** Applies `reverseIndices` to x [T, B, F]. */
export function reverseTime(x: Tensor, idx: Tensor): Tensor {
  const [T, B, F] = x.shape as [number, number, number];
  return reshape(gather(reshape(x, [T * B, F]), idx), [T, B, F]);
}
