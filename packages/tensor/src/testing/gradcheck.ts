/**
 * Finite-difference gradient checks that use forward ops only, so `@recur/tensor` stays free of
 * any autograd dependency: the analytic vector–Jacobian product comes in as a function.
 *
 * - float64 (CPU): central differences, eps 1e-6, atol 1e-5, rtol 1e-3 (PyTorch gradcheck).
 * - float32 (e.g. WebGPU): eps 1e-3, atol = rtol = 1e-2 (JAX's default).
 * - The cotangent is random and non-uniform (a plain `sum` would miss permutation bugs).
 * - Inputs of ≤ 64 elements get the full numerical Jacobian (and, when the output is small too, the
 *   full analytic Jacobian row by row); larger inputs get JAX's check ⟨J·v, u⟩ ≈ ⟨v, Jᵀ·u⟩.
 */
import { isFloat, type DType, type TypedArray } from '../dtype.js';
import { scope } from '../engine-api.js';
import { tensor } from '../ops/creation.js';
import { uniformAt } from '../random.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { closeReport } from './close.js';

/** Returns ∂⟨f(inputs), cotangent⟩/∂inputs[i] for every input (undefined where none). */
export type AnalyticVjp = (
  f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], cotangent: Tensor,
) => readonly (Tensor | undefined)[] | Promise<readonly (Tensor | undefined)[]>;

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed of the cotangent and direction streams. */
  seed?: number;
  /** Positions of the inputs to check (default: every float input). */
  wrt?: readonly number[];
  /** Largest input (and output) size that gets a full Jacobian (default 64). */
  fullJacobianMax?: number;
  /**
   * Also compare the analytic Jacobian row by row (one vjp per output element) when the output has
   * ≤ `fullJacobianMax` elements (default true). Turn off where each backward pass is expensive
   * (e.g. long sequences on a software GPU); the random-cotangent vjp is still checked.
   */
  jacobianRows?: boolean;
  /** Prefix of error messages. */
  label?: string;
}

export interface GradcheckInputReport {
  input: number;
  mode: 'jacobian' | 'direction';
  /** Largest |analytic − numeric| seen for this input. */
  maxAbsError: number;
}

/** Values in ±[0.25, 1.25) with random signs: never uniform, never zero. */
function randomVector(n: number, seed: number, stream: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mag = 0.25 + uniformAt(seed + stream, 2 * i);
    out[i] = uniformAt(seed + stream, 2 * i + 1) < 0.5 ? -mag : mag;
  }
  return out;
}

async function evaluate(f: (...xs: Tensor[]) => Tensor, xs: Tensor[]): Promise<{ data: TypedArray; shape: number[]; dtype: DType }> {
  const y = scope(() => f(...xs));
  try {
    return { data: await y.data(), shape: [...y.shape], dtype: y.dtype };
  } finally {
    y.dispose();
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Checks `analyticVjp` against central finite differences of `f` at `inputs`; throws with the worst
 * element on mismatch. Inputs are not consumed (the caller still owns and disposes them).
 *
 * @example
 * await gradcheck((x) => tanh(x), [tensor([0.3, -1.2], [2], 'float64')], vjpFromAutograd);
 */
export async function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  analyticVjp: AnalyticVjp,
  opts: GradcheckOptions = {},
): Promise<GradcheckInputReport[]> {
  const wrt = opts.wrt ?? inputs.flatMap((t, i) => (isFloat(t.dtype) ? [i] : []));
  const single = wrt.some((i) => inputs[i]!.dtype === 'float32');
  const eps = opts.eps ?? (single ? 1e-3 : 1e-6);
  const atol = opts.atol ?? (single ? 1e-2 : 1e-5);
  const rtol = opts.rtol ?? (single ? 1e-2 : 1e-3);
  const seed = opts.seed ?? 1234;
  const maxFull = opts.fullJacobianMax ?? 64;
  const label = `gradcheck${opts.label ? ` ${opts.label}` : ''}`;

  const base = await evaluate(f, [...inputs]);
  if (!isFloat(base.dtype)) throw new Error(`${label}: output dtype ${base.dtype} is not differentiable`);
  const u = randomVector(base.data.length, seed, 0);
  const values = await Promise.all(inputs.map((t) => t.data()));

  // Analytic Jᵀu for the random cotangent.
  const uT = tensor(u, base.shape, base.dtype);
  let analytic: (TypedArray | undefined)[];
  try {
    analytic = await readGrads(await analyticVjp(f, inputs, uT), inputs, wrt, label);
  } finally {
    uT.dispose();
  }

  // f with input i replaced by `vals`, flattened to float64.
  const perturbed = async (i: number, vals: TypedArray): Promise<TypedArray> => {
    const xi = tensor(vals, inputs[i]!.shape, inputs[i]!.dtype);
    try {
      return (await evaluate(f, inputs.map((t, k) => (k === i ? xi : t)))).data;
    } finally {
      xi.dispose();
    }
  };

  const reports: GradcheckInputReport[] = [];
  for (const i of wrt) {
    const x = inputs[i]!, x0 = values[i]!, g = analytic[i]!;
    const what = `${label}: input ${i} ${fmt(x.shape)} ${x.dtype}`;
    if (x.size <= maxFull) {
      // Full numerical Jacobian, one column per input element: J[:, j] = (f(x+h e_j) − f(x−h e_j)) / 2h.
      const jac: Float64Array[] = [];
      const numericVjp = new Float64Array(x.size);
      for (let j = 0; j < x.size; j++) {
        const plus = x0.slice(), minus = x0.slice();
        plus[j] = x0[j]! + eps;
        minus[j] = x0[j]! - eps;
        const h = plus[j]! - minus[j]!; // the step actually taken after rounding to the dtype
        const [fp, fm] = [await perturbed(i, plus), await perturbed(i, minus)];
        const col = new Float64Array(fp.length);
        for (let k = 0; k < col.length; k++) col[k] = (fp[k]! - fm[k]!) / h;
        jac.push(col);
        numericVjp[j] = dot(col, u);
      }
      const r = closeReport(g, numericVjp, { atol, rtol, label: `${what}, vjp with random cotangent` }, x.shape);
      if (!r.ok) throw new Error(r.message);
      let maxAbsError = maxDiff(g, numericVjp);
      if (base.data.length <= maxFull && opts.jacobianRows !== false) maxAbsError = Math.max(maxAbsError, await checkRows(f, inputs, i, jac, base, analyticVjp, { atol, rtol, what }));
      reports.push({ input: i, mode: 'jacobian', maxAbsError });
    } else {
      // ⟨J·v, u⟩ by central differences against ⟨v, Jᵀ·u⟩ from the analytic side.
      const v = randomVector(x.size, seed, 1000 + i);
      const plus = x0.slice(), minus = x0.slice();
      for (let j = 0; j < x.size; j++) {
        plus[j] = x0[j]! + eps * v[j]!;
        minus[j] = x0[j]! - eps * v[j]!;
      }
      const [fp, fm] = [await perturbed(i, plus), await perturbed(i, minus)];
      let numeric = 0, exact = 0;
      for (let k = 0; k < fp.length; k++) numeric += (fp[k]! - fm[k]!) * u[k]!;
      for (let j = 0; j < x.size; j++) exact += (plus[j]! - minus[j]!) * g[j]!;
      const r = closeReport([exact], [numeric], { atol: atol * eps * 2, rtol, label: `${what}, ⟨Jv,u⟩ vs ⟨v,Jᵀu⟩` });
      if (!r.ok) throw new Error(r.message);
      reports.push({ input: i, mode: 'direction', maxAbsError: Math.abs(exact - numeric) / (2 * eps) });
    }
  }
  return reports;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function readGrads(
  grads: readonly (Tensor | undefined)[], inputs: readonly Tensor[], wrt: readonly number[], label: string,
): Promise<(TypedArray | undefined)[]> {
  try {
    const out: (TypedArray | undefined)[] = [];
    for (const i of wrt) {
      const g = grads[i];
      if (!g) throw new Error(`${label}: analytic vjp returned no gradient for input ${i}`);
      if (fmt(g.shape) !== fmt(inputs[i]!.shape)) {
        throw new Error(`${label}: gradient ${fmt(g.shape)} for input ${i} should have shape ${fmt(inputs[i]!.shape)}`);
      }
      out[i] = await g.data();
    }
    return out;
  } finally {
    for (const g of grads) g?.dispose();
  }
}

/** Compares each row of the numerical Jacobian with the analytic vjp of the basis cotangent e_k. */
async function checkRows(
  f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], i: number, jac: Float64Array[],
  base: { data: TypedArray; shape: number[]; dtype: DType }, analyticVjp: AnalyticVjp,
  tol: { atol: number; rtol: number; what: string },
): Promise<number> {
  let worst = 0;
  for (let k = 0; k < base.data.length; k++) {
    const e = new Float64Array(base.data.length);
    e[k] = 1;
    const eT = tensor(e, base.shape, base.dtype);
    let row: TypedArray;
    try {
      row = (await readGrads(await analyticVjp(f, inputs, eT), inputs, [i], tol.what))[i]!;
    } finally {
      eT.dispose();
    }
    const numeric = jac.map((col) => col[k]!);
    const r = closeReport(row, numeric, { atol: tol.atol, rtol: tol.rtol, label: `${tol.what}, Jacobian row ${k} (output element ${k})` });
    if (!r.ok) throw new Error(r.message);
    worst = Math.max(worst, maxDiff(row, numeric));
  }
  return worst;
}
