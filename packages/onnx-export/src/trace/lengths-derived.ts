/**
 * Tensors a forward pass builds on the host from a `lengths` input (Recur's padding masks and
 * per-sequence counts: `stepMask`, the masks of `maskedMaxPool`/`maskedMeanPool`) reach the
 * kernels as constants: the kernel listener never sees how they were made. Left as constants they
 * would freeze the example's lengths into the graph. This module recognises the forms such code
 * builds — by value, against the example's lengths — and rebuilds them in the graph from the
 * `lengths` input:
 *
 * - the lengths themselves, shape [B] or [B, 1], float32 or int32;
 * - the step mask `t < len[b]`, shape [T, B] / [T, B, 1] (time-major) or [B, T] / [B, T, 1],
 *   float32 or bool, when some length is shorter than T (an all-ones mask is indistinguishable
 *   from a constant, so it stays one; the second-trace check then reports it if it froze a size).
 *
 * A recognised form must match every element; the export's second trace, with other lengths and
 * sizes, checks the rebuilt graph again.
 */
import type { Tensor, TypedArray } from '@recur/tensor';
import { DataType } from '../proto/codec.js';
import type { TraceGraph, TracedValue } from './context.js';
import { concrete, isStatic, staticDim, type SymDim } from './symbolic.js';

/** A host lengths array that is a graph input. */
export interface LengthsInput {
  name: string;
  data: Int32Array;
  /** Its batch dimension. */
  batch: SymDim;
}

function equalsLengths(data: TypedArray, lens: Int32Array): boolean {
  if (data.length !== lens.length) return false;
  for (let i = 0; i < lens.length; i++) if (Number(data[i]) !== lens[i]) return false;
  return true;
}

/** True when data[t, b] (or data[b, t] batch-first) is 1 exactly for t < len[b], else 0. */
function isStepMask(data: TypedArray, lens: Int32Array, T: number, batchFirst: boolean): boolean {
  const B = lens.length;
  if (data.length !== T * B) return false;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const v = Number(data[batchFirst ? b * T + t : t * B + b]);
      if (v !== (t < lens[b]! ? 1 : 0)) return false;
    }
  }
  return true;
}

/** The dynamic dimension (other than the batch) whose example size is T, or a static T. */
function timeDim(cx: TraceGraph, T: number, batch: SymDim, dynamic: readonly SymDim[]): SymDim | null {
  const hits = dynamic.filter((d) => !isStatic(d) && d.syms.join() !== batch.syms.join() && concrete(d, cx.sizes) === T);
  const unique = [...new Map(hits.map((d) => [d.syms.join('*') + d.k, d])).values()];
  if (unique.length > 1) return null;
  return unique[0] ?? staticDim(T);
}

/**
 * The in-graph form of `t` if it is derived from one of `inputs`; null otherwise.
 * `dynamic` lists the dynamic dimensions the graph inputs declare (candidates for T).
 */
export function rebuildFromLengths(cx: TraceGraph, t: Tensor, data: TypedArray, inputs: readonly LengthsInput[], dynamic: readonly SymDim[]): TracedValue | null {
  if (!['float32', 'int32', 'bool'].includes(t.dtype)) return null;
  const toType = t.dtype === 'float32' ? DataType.FLOAT : t.dtype === 'int32' ? DataType.INT32 : DataType.BOOL;
  for (const L of inputs) {
    const B = L.data.length, shape = t.shape;
    if ((shape.length === 1 && shape[0] === B) || (shape.length === 2 && shape[0] === B && shape[1] === 1)) {
      if (t.dtype === 'bool' || !equalsLengths(data, L.data)) continue;
      let v = t.dtype === 'int32' ? L.name : cx.node1('Cast', [L.name], { to: toType });
      const sym = shape.length === 1 ? [L.batch] : [L.batch, staticDim(1)];
      if (shape.length === 2) v = cx.node1('Unsqueeze', [v, cx.int64s([1], 'axes')]);
      return { name: v, sym, dtype: t.dtype };
    }
    if (shape.length < 2 || shape.length > 3 || (shape.length === 3 && shape[2] !== 1)) continue;
    const batchFirst = shape[0] === B && shape[1] !== B ? true : shape[1] === B ? false : null;
    if (batchFirst === null) continue;
    const T = batchFirst ? shape[1]! : shape[0]!;
    if (!L.data.some((n) => n < T) || !isStepMask(data, L.data, T, batchFirst)) continue;
    const td = timeDim(cx, T, L.batch, dynamic);
    if (!td) continue;
    // mask[t, b] = t < len[b]: Range(0, T) [T, 1] < lengths [1, B] → [T, B].
    const tSize = isStatic(td) ? cx.int64s([T], 'T') : cx.dimValue(td); // int64 [1]
    const steps = cx.node1('Range', [cx.int64Scalar(0), cx.node1('Squeeze', [tSize, cx.int64s([0], 'axes')]), cx.int64Scalar(1)]); // (T)
    const lens64 = cx.node1('Unsqueeze', [cx.node1('Cast', [L.name], { to: DataType.INT64 }), cx.int64s([0], 'axes')]);
    let m = cx.node1('Less', [cx.node1('Unsqueeze', [steps, cx.int64s([1], 'axes')]), lens64]); // (T, B) bool
    if (batchFirst) m = cx.node1('Transpose', [m], { perm: [1, 0] });
    if (t.dtype !== 'bool') m = cx.node1('Cast', [m], { to: toType });
    if (shape.length === 3) m = cx.node1('Unsqueeze', [m, cx.int64s([2], 'axes')]);
    const sym = [...(batchFirst ? [L.batch, td] : [td, L.batch]), ...(shape.length === 3 ? [staticDim(1)] : [])];
    return { name: m, sym, dtype: t.dtype };
  }
  return null;
}
