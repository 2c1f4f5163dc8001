/**
 * Float `Add` / `Sub` / `Mul` / `Div` for broadcasts the flat modes of `fast-elementwise.ts` do not
 * cover (an operand repeating along the last axis, `[T, B, H] · [T, B, 1]`, or along a middle
 * one): the broadcast is planned once ({@link planBroadcast}) and each innermost run is one loop.
 * Same arithmetic per element as the reference kernels, so results are bit-identical.
 */
import { forEachRun, planBroadcast } from './broadcast-plan.js';

type Arr = Float32Array | Float64Array;
type Run = (a: Arr, ia: number, sa: number, b: Arr, ib: number, sb: number, o: Arr, io: number, len: number) => void;

// One function per op and stride pattern (1·1, 1·0, 0·1, any) so the arithmetic stays inline.
function addRun(a: Arr, ia: number, sa: number, b: Arr, ib: number, sb: number, o: Arr, io: number, len: number): void {
  if (sa === 1 && sb === 1) for (let j = 0; j < len; j++) o[io + j] = a[ia + j]! + b[ib + j]!;
  else if (sa === 1 && sb === 0) { const y = b[ib]!; for (let j = 0; j < len; j++) o[io + j] = a[ia + j]! + y; }
  else if (sa === 0 && sb === 1) { const x = a[ia]!; for (let j = 0; j < len; j++) o[io + j] = x + b[ib + j]!; }
  else for (let j = 0; j < len; j++, ia += sa, ib += sb) o[io + j] = a[ia]! + b[ib]!;
}
function subRun(a: Arr, ia: number, sa: number, b: Arr, ib: number, sb: number, o: Arr, io: number, len: number): void {
  if (sa === 1 && sb === 1) for (let j = 0; j < len; j++) o[io + j] = a[ia + j]! - b[ib + j]!;
  else if (sa === 1 && sb === 0) { const y = b[ib]!; for (let j = 0; j < len; j++) o[io + j] = a[ia + j]! - y; }
  else if (sa === 0 && sb === 1) { const x = a[ia]!; for (let j = 0; j < len; j++) o[io + j] = x - b[ib + j]!; }
  else for (let j = 0; j < len; j++, ia += sa, ib += sb) o[io + j] = a[ia]! - b[ib]!;
}
function mulRun(a: Arr, ia: number, sa: number, b: Arr, ib: number, sb: number, o: Arr, io: number, len: number): void {
  if (sa === 1 && sb === 1) for (let j = 0; j < len; j++) o[io + j] = a[ia + j]! * b[ib + j]!;
  else if (sa === 1 && sb === 0) { const y = b[ib]!; for (let j = 0; j < len; j++) o[io + j] = a[ia + j]! * y; }
  else if (sa === 0 && sb === 1) { const x = a[ia]!; for (let j = 0; j < len; j++) o[io + j] = x * b[ib + j]!; }
  else for (let j = 0; j < len; j++, ia += sa, ib += sb) o[io + j] = a[ia]! * b[ib]!;
}
function divRun(a: Arr, ia: number, sa: number, b: Arr, ib: number, sb: number, o: Arr, io: number, len: number): void {
  if (sa === 1 && sb === 1) for (let j = 0; j < len; j++) o[io + j] = a[ia + j]! / b[ib + j]!;
  else if (sa === 1 && sb === 0) { const y = b[ib]!; for (let j = 0; j < len; j++) o[io + j] = a[ia + j]! / y; }
  else if (sa === 0 && sb === 1) { const x = a[ia]!; for (let j = 0; j < len; j++) o[io + j] = x / b[ib + j]!; }
  else for (let j = 0; j < len; j++, ia += sa, ib += sb) o[io + j] = a[ia]! / b[ib]!;
}

const RUNS: Record<string, Run> = { Add: addRun, Sub: subRun, Mul: mulRun, Div: divRun };

/** Writes `name(a, b)` broadcast to `shape` into `out` (non-empty, of `shape`'s size). */
export function binaryStrided(
  name: string, a: Arr, aShape: readonly number[], b: Arr, bShape: readonly number[], shape: readonly number[], out: Arr,
): void {
  const run = RUNS[name]!;
  const plan = planBroadcast(shape, [aShape, bShape]);
  const r = plan.shape.length - 1, len = plan.shape[r]!;
  const sa = plan.strides[0]![r]!, sb = plan.strides[1]![r]!;
  forEachRun(plan, ([ia, ib], o) => run(a, ia!, sa, b, ib!, sb, out, o, len));
}
