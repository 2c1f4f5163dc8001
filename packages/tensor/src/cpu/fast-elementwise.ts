/**
 * Monomorphic loops for the hottest elementwise kernels (optimizer updates, gate math of the
 * composite path): one loop per op and broadcast pattern, so V8 inlines the arithmetic instead of
 * calling a shared lambda per element. Same arithmetic as the reference kernels, so results are
 * bit-identical; other broadcast patterns run planned strided loops (`fast-binary-strided.ts`).
 */
import type { TensorInfo } from '../backend.js';
import { allocUninit, type TypedArray } from '../dtype.js';
import type { KernelArgs, KernelConfig } from '../registry.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import type { CpuBackend } from './cpu-backend.js';
import { elementwiseKernels } from './elementwise.js';
import { binaryStrided } from './fast-binary-strided.js';
import { fastReduceKernels } from './fast-reduce.js';
import { fastSelectKernels } from './fast-select.js';

type Cfg = KernelConfig<string, CpuBackend>;
type Arr = Float32Array | Float64Array;

/** b repeats along a's leading dimensions: `b`'s shape (ignoring leading 1s) is a suffix of `a`'s. */
function isSuffix(a: readonly number[], b: readonly number[]): boolean {
  let i = b.length;
  while (i > 0 && b[b.length - i] === 1) i--;
  if (i > a.length) return false;
  for (let k = 1; k <= i; k++) if (a[a.length - k] !== b[b.length - k]) return false;
  return true;
}

// Mode 0: same shape; 1: b scalar; 2: a scalar; 3: b repeats (row broadcast); 4: a repeats.
function add(a: Arr, b: Arr, o: Arr, n: number, m: number): void {
  const al = a.length, bl = b.length;
  if (m === 0) for (let i = 0; i < n; i++) o[i] = a[i]! + b[i]!;
  else if (m === 1) { const s = b[0]!; for (let i = 0; i < n; i++) o[i] = a[i]! + s; }
  else if (m === 2) { const s = a[0]!; for (let i = 0; i < n; i++) o[i] = s + b[i]!; }
  else if (m === 3) for (let r = 0; r < n; r += bl) for (let j = 0; j < bl; j++) o[r + j] = a[r + j]! + b[j]!;
  else for (let r = 0; r < n; r += al) for (let j = 0; j < al; j++) o[r + j] = a[j]! + b[r + j]!;
}
function sub(a: Arr, b: Arr, o: Arr, n: number, m: number): void {
  const al = a.length, bl = b.length;
  if (m === 0) for (let i = 0; i < n; i++) o[i] = a[i]! - b[i]!;
  else if (m === 1) { const s = b[0]!; for (let i = 0; i < n; i++) o[i] = a[i]! - s; }
  else if (m === 2) { const s = a[0]!; for (let i = 0; i < n; i++) o[i] = s - b[i]!; }
  else if (m === 3) for (let r = 0; r < n; r += bl) for (let j = 0; j < bl; j++) o[r + j] = a[r + j]! - b[j]!;
  else for (let r = 0; r < n; r += al) for (let j = 0; j < al; j++) o[r + j] = a[j]! - b[r + j]!;
}
function mul(a: Arr, b: Arr, o: Arr, n: number, m: number): void {
  const al = a.length, bl = b.length;
  if (m === 0) for (let i = 0; i < n; i++) o[i] = a[i]! * b[i]!;
  else if (m === 1) { const s = b[0]!; for (let i = 0; i < n; i++) o[i] = a[i]! * s; }
  else if (m === 2) { const s = a[0]!; for (let i = 0; i < n; i++) o[i] = s * b[i]!; }
  else if (m === 3) for (let r = 0; r < n; r += bl) for (let j = 0; j < bl; j++) o[r + j] = a[r + j]! * b[j]!;
  else for (let r = 0; r < n; r += al) for (let j = 0; j < al; j++) o[r + j] = a[j]! * b[r + j]!;
}
function div(a: Arr, b: Arr, o: Arr, n: number, m: number): void {
  const al = a.length, bl = b.length;
  if (m === 0) for (let i = 0; i < n; i++) o[i] = a[i]! / b[i]!;
  else if (m === 1) { const s = b[0]!; for (let i = 0; i < n; i++) o[i] = a[i]! / s; }
  else if (m === 2) { const s = a[0]!; for (let i = 0; i < n; i++) o[i] = s / b[i]!; }
  else if (m === 3) for (let r = 0; r < n; r += bl) for (let j = 0; j < bl; j++) o[r + j] = a[r + j]! / b[j]!;
  else for (let r = 0; r < n; r += al) for (let j = 0; j < al; j++) o[r + j] = a[j]! / b[r + j]!;
}

const BINARY: Record<string, (a: Arr, b: Arr, o: Arr, n: number, m: number) => void> = { Add: add, Sub: sub, Mul: mul, Div: div };

function binary(name: string): Cfg {
  const ref = elementwiseKernels.find((k) => k.name === name)!;
  const f = BINARY[name]!;
  return {
    name,
    backend: 'cpu',
    run: (args: KernelArgs<string, CpuBackend>): TensorInfo[] => {
      const { inputs: [a, b], backend } = args;
      if ((a!.dtype !== 'float32' && a!.dtype !== 'float64') || a!.dtype !== b!.dtype) return ref.run(args);
      const shape = broadcastShapes(name, a!.shape, b!.shape);
      const n = sizeOf(shape);
      const av = backend.values(a!.dataId) as Arr, bv = backend.values(b!.dataId) as Arr;
      const full = (t: TensorInfo) => sizeOf(t.shape) === n;
      const mode = full(a!) && full(b!) ? 0 : bv.length === 1 && full(a!) ? 1 : av.length === 1 && full(b!) ? 2
        : full(a!) && isSuffix(a!.shape, b!.shape) ? 3 : full(b!) && isSuffix(b!.shape, a!.shape) ? 4 : -1;
      const out = allocUninit(a!.dtype, n) as Arr; // every element is written below
      if (n === 0) return [backend.out(out as TypedArray, shape, a!.dtype)];
      if (mode < 0) binaryStrided(name, av, a!.shape, bv, b!.shape, shape, out);
      else f(av, bv, out, n, mode);
      return [backend.out(out as TypedArray, shape, a!.dtype)];
    },
  };
}

function sqrt(x: Arr, o: Arr): void { for (let i = 0; i < x.length; i++) o[i] = Math.sqrt(x[i]!); }
function neg(x: Arr, o: Arr): void { for (let i = 0; i < x.length; i++) o[i] = -x[i]!; }
function exp(x: Arr, o: Arr): void { for (let i = 0; i < x.length; i++) o[i] = Math.exp(x[i]!); }
function log(x: Arr, o: Arr): void { for (let i = 0; i < x.length; i++) o[i] = Math.log(x[i]!); }
function tanh(x: Arr, o: Arr): void { for (let i = 0; i < x.length; i++) o[i] = Math.tanh(x[i]!); }
function abs(x: Arr, o: Arr): void { for (let i = 0; i < x.length; i++) o[i] = Math.abs(x[i]!); }

const UNARY: Record<string, (x: Arr, o: Arr) => void> = { Sqrt: sqrt, Neg: neg, Exp: exp, Log: log, Tanh: tanh, Abs: abs };

function unary(name: string): Cfg {
  const ref = elementwiseKernels.find((k) => k.name === name)!;
  const f = UNARY[name]!;
  return {
    name,
    backend: 'cpu',
    run: (args) => {
      const x = args.inputs[0]!;
      if (x.dtype !== 'float32' && x.dtype !== 'float64') return ref.run(args);
      const v = args.backend.values(x.dataId) as Arr;
      const out = allocUninit(x.dtype, v.length) as Arr;
      f(v, out);
      return [args.backend.out(out as TypedArray, x.shape, x.dtype)];
    },
  };
}

/**
 * The plain-TypeScript overrides of the reference kernels, all bit-identical to them: float
 * arithmetic, `Where` / `Less` / `Equal` ({@link fastSelectKernels}) and `Sum` / `Max`
 * ({@link fastReduceKernels}).
 */
export const fastElementwiseKernels: Cfg[] = [
  ...Object.keys(BINARY).map(binary), ...Object.keys(UNARY).map(unary), ...fastSelectKernels, ...fastReduceKernels,
];
