/**
 * Broadcast iteration plans for the fast CPU kernels: the output shape with size-1 axes dropped
 * and adjacent axes merged wherever every input walks them as one (contiguous, or repeated as a
 * whole), so a kernel runs a tight loop over the innermost run and steps an index odometer only
 * once per run instead of once per element.
 */
import { broadcastStrides } from '../shape.js';

/** `shape` (rank ≥ 1) and, per input, its element stride along each axis (0 where it repeats). */
export interface BroadcastPlan {
  shape: number[];
  strides: number[][];
}

/**
 * Plans the walk of `outShape` reading inputs of `inShapes` (each broadcastable to `outShape`).
 *
 * @example
 * planBroadcast([100, 32, 100], [[100, 32, 1], [1, 100], [100, 32, 100]])
 * // { shape: [3200, 100], strides: [[1, 0], [0, 1], [100, 1]] }
 */
export function planBroadcast(outShape: readonly number[], inShapes: readonly (readonly number[])[]): BroadcastPlan {
  const full = inShapes.map((s) => broadcastStrides(s, outShape));
  const shape: number[] = [];
  const strides: number[][] = inShapes.map(() => []);
  // Walk from the innermost axis outwards, merging axis d into the current outermost kept axis.
  for (let d = outShape.length - 1; d >= 0; d--) {
    const n = outShape[d]!;
    if (n === 1) continue;
    const last = shape.length - 1;
    if (last >= 0 && full.every((st, k) => st[d] === strides[k]![last]! * shape[last]!)) {
      shape[last] = shape[last]! * n;
      continue;
    }
    shape.push(n);
    full.forEach((st, k) => strides[k]!.push(st[d]!));
  }
  if (shape.length === 0) return { shape: [1], strides: inShapes.map(() => [0]) };
  shape.reverse();
  for (const st of strides) st.reverse();
  return { shape, strides };
}

/**
 * Calls `row(offsets, o)` for every innermost run of a plan, in row-major order: `offsets[k]` is
 * input k's element offset at the run's start and `o` the output offset (runs are
 * `plan.shape[last]` long). `offsets` is reused between calls.
 */
export function forEachRun(plan: BroadcastPlan, row: (offsets: number[], o: number) => void): void {
  const { shape, strides } = plan;
  const rank = shape.length;
  const len = shape[rank - 1]!;
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= shape[d]!;
  const k = strides.length;
  const offs = new Array<number>(k).fill(0);
  const idx = new Array<number>(rank).fill(0);
  for (let r = 0; r < rows; r++) {
    row(offs, r * len);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      for (let i = 0; i < k; i++) offs[i]! += strides[i]![d]!;
      if (idx[d]! < shape[d]!) break;
      for (let i = 0; i < k; i++) offs[i]! -= strides[i]![d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}
