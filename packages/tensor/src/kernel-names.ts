/**
 * Kernel names are the contract between ops, backends (CPU, WebGPU), gradient rules and the ONNX
 * mapper. Each name maps to the attrs its kernel takes in `KernelSpecs`.
 */
import type { DType } from './dtype.js';

export const Neg = 'Neg';
export const Exp = 'Exp';
export const Log = 'Log';
export const Sqrt = 'Sqrt';
export const Tanh = 'Tanh';
export const Sigmoid = 'Sigmoid';
export const Relu = 'Relu';
export const Abs = 'Abs';
export const Add = 'Add';
export const Sub = 'Sub';
export const Mul = 'Mul';
export const Div = 'Div';
export const Maximum = 'Maximum';
export const Pow = 'Pow';
export const Less = 'Less';
export const Equal = 'Equal';
export const Where = 'Where';
export const Sum = 'Sum';
export const Max = 'Max';
export const ArgMax = 'ArgMax';
export const BatchMatMul = 'BatchMatMul';
export const Reshape = 'Reshape';
export const Transpose = 'Transpose';
export const Slice = 'Slice';
export const Concat = 'Concat';
export const Pad = 'Pad';
export const Gather = 'Gather';
export const ScatterAdd = 'ScatterAdd';
export const Cast = 'Cast';
export const Fill = 'Fill';
export const RandomUniform = 'RandomUniform';
export const RandomNormal = 'RandomNormal';

export const UNARY_KERNELS = [Neg, Exp, Log, Sqrt, Tanh, Sigmoid, Relu, Abs] as const;
export const BINARY_KERNELS = [Add, Sub, Mul, Div, Maximum, Pow] as const;
export const COMPARE_KERNELS = [Less, Equal] as const;
export type UnaryKernel = (typeof UNARY_KERNELS)[number];
export type BinaryKernel = (typeof BINARY_KERNELS)[number];
export type CompareKernel = (typeof COMPARE_KERNELS)[number];

type NoAttrs = Record<string, never>;
export interface ReduceAttrs {
  /** Sorted, non-negative axes to reduce. */
  axes: number[];
  keepDims: boolean;
}
export interface RandomAttrs {
  shape: number[];
  seed: number;
  /** Counter offset of the first element: the stream is (seed, offset + i). */
  offset: number;
}

/** Attrs of every primitive kernel; optional fused kernels add their own entries. */
export interface KernelSpecs {
  Neg: NoAttrs; Exp: NoAttrs; Log: NoAttrs; Sqrt: NoAttrs; Tanh: NoAttrs; Sigmoid: NoAttrs;
  Relu: NoAttrs; Abs: NoAttrs;
  Add: NoAttrs; Sub: NoAttrs; Mul: NoAttrs; Div: NoAttrs; Maximum: NoAttrs; Pow: NoAttrs;
  Less: NoAttrs; Equal: NoAttrs; Where: NoAttrs;
  Sum: ReduceAttrs; Max: ReduceAttrs; ArgMax: { axis: number; keepDims: boolean };
  /** Inputs rank 3: a [Ba,M,K] (or [Ba,K,M] transposed), b [Bb,K,N]; Ba/Bb equal or 1. */
  BatchMatMul: { transposeA: boolean; transposeB: boolean };
  Reshape: { shape: number[] };
  Transpose: { perm: number[] };
  Slice: { begin: number[]; size: number[] };
  Concat: { axis: number };
  Pad: { paddings: Array<[number, number]>; value: number };
  /** out = x.shape[:axis] + indices.shape + x.shape[axis+1:] */
  Gather: { axis: number };
  /** Inverse of Gather: zeros(shape), then out[.., idx[j], ..] += updates[.., j, ..]. */
  ScatterAdd: { shape: number[]; axis: number };
  Cast: { dtype: DType };
  Fill: { shape: number[]; value: number; dtype: DType };
  RandomUniform: RandomAttrs & { low: number; high: number; dtype: DType };
  RandomNormal: RandomAttrs & { mean: number; std: number; dtype: DType };
}

export type KernelName = keyof KernelSpecs;

/** Kernels with no gradient (outputs are indices, booleans, or fresh data). */
export const NON_DIFFERENTIABLE: ReadonlySet<string> = new Set([
  Less, Equal, ArgMax, Fill, RandomUniform, RandomNormal,
]);

export const PRIMITIVE_KERNELS: readonly KernelName[] = [
  ...UNARY_KERNELS, ...BINARY_KERNELS, ...COMPARE_KERNELS, Where, Sum, Max, ArgMax, BatchMatMul,
  Reshape, Transpose, Slice, Concat, Pad, Gather, ScatterAdd, Cast, Fill, RandomUniform, RandomNormal,
];
