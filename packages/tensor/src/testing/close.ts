/**
 * Numeric closeness checks with `atol + rtol·|expected|` semantics (numpy.allclose / torch.testing),
 * where NaN matches NaN and ±Inf must match exactly. Tensors are read with `await t.data()` so the
 * same assertions work on asynchronous backends.
 */
import type { TypedArray } from '../dtype.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';

export interface CloseOptions {
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
  /** Relative tolerance, scaled by |expected| (default 1e-5). */
  rtol?: number;
  /** Prefix for the failure message (e.g. the op under test). */
  label?: string;
}

export type Numeric = Tensor | TypedArray | readonly number[] | number;

export interface CloseReport {
  ok: boolean;
  /** Number of mismatching elements. */
  mismatches: number;
  /** Flat index of the worst mismatch (largest excess over its tolerance), or -1. */
  worst: number;
  message: string;
}

/** True when `a` is within tolerance of reference `e` (NaN ≡ NaN, infinities exact). */
export function isClose(a: number, e: number, atol: number, rtol: number): boolean {
  if (Number.isNaN(e) || Number.isNaN(a)) return Number.isNaN(e) && Number.isNaN(a);
  if (!Number.isFinite(e) || !Number.isFinite(a)) return a === e;
  return Math.abs(a - e) <= atol + rtol * Math.abs(e);
}

function unravel(i: number, shape: readonly number[] | undefined): string {
  if (!shape || shape.length < 2) return String(i);
  const idx: number[] = [];
  let r = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(r % shape[d]!);
    r = Math.floor(r / shape[d]!);
  }
  return `${i} ${fmt(idx)}`;
}

/**
 * Compares two flat arrays; never throws. `shape` (optional) only formats the worst index.
 *
 * @example
 * closeReport([1, 2.001], [1, 2], { atol: 1e-2 }).ok // true
 */
export function closeReport(
  actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOptions = {}, shape?: readonly number[],
): CloseReport {
  const atol = opts.atol ?? 1e-6, rtol = opts.rtol ?? 1e-5;
  const label = opts.label ? `${opts.label}: ` : '';
  if (actual.length !== expected.length) {
    return { ok: false, mismatches: -1, worst: -1, message: `${label}length ${actual.length} differs from expected ${expected.length}` };
  }
  let mismatches = 0, worst = -1, worstExcess = -Infinity;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (isClose(a, e, atol, rtol)) continue;
    mismatches++;
    // Non-finite mismatches rank above every finite one.
    const excess = Number.isFinite(a - e) ? Math.abs(a - e) - (atol + rtol * Math.abs(e)) : Infinity;
    if (excess > worstExcess || worst < 0) { worst = i; worstExcess = excess; }
  }
  if (mismatches === 0) return { ok: true, mismatches: 0, worst: -1, message: `${label}all ${actual.length} elements close` };
  const a = actual[worst]!, e = expected[worst]!;
  const message =
    `${label}${mismatches} of ${actual.length} elements differ (atol ${atol}, rtol ${rtol}); ` +
    `worst at index ${unravel(worst, shape)}: actual ${a}, expected ${e}, ` +
    (Number.isFinite(a) && Number.isFinite(e)
      ? `|diff| ${Math.abs(a - e)} > tol ${atol + rtol * Math.abs(e)}`
      : 'NaN and ±Inf must match exactly');
  return { ok: false, mismatches, worst, message };
}

async function values(x: Numeric): Promise<{ data: ArrayLike<number>; shape?: readonly number[] }> {
  if (x instanceof Tensor) return { data: await x.data(), shape: x.shape };
  if (typeof x === 'number') return { data: [x] };
  return { data: x };
}

/**
 * Asserts `actual` is close to `expected` elementwise: |a − e| ≤ atol + rtol·|e|. NaN matches NaN,
 * ±Inf must match exactly. Tensors are compared by shape too. The error names the worst index.
 *
 * @example
 * await expectClose(add(a, b), [4, 6], { atol: 1e-6, rtol: 1e-5 });
 */
export async function expectClose(actual: Numeric, expected: Numeric, opts: CloseOptions = {}): Promise<void> {
  const [a, e] = await Promise.all([values(actual), values(expected)]);
  if (a.shape && e.shape && fmt(a.shape) !== fmt(e.shape)) {
    throw new Error(`${opts.label ? `${opts.label}: ` : ''}shape ${fmt(a.shape)} differs from expected ${fmt(e.shape)}`);
  }
  const r = closeReport(a.data, e.data, opts, a.shape ?? e.shape);
  if (!r.ok) throw new Error(r.message);
}

/** Synchronous `expectClose` for plain arrays (no tensors). */
export function expectCloseSync(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOptions = {}): void {
  const r = closeReport(actual, expected, opts);
  if (!r.ok) throw new Error(r.message);
}
