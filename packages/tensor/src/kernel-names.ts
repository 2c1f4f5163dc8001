/**
 * Kernel names are the contract between ops, backends (CPU, WebGPU), gradient rules and the ONNX
 * mapper. Each name's inputs, outputs and attrs are declared once in kernel-contracts.ts
 * (`KERNEL_CONTRACTS`, from which `KernelSpecs` derives).
 */

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

// Inputs, outputs and attrs of every kernel are declared once, in kernel-contracts.ts.
export type { KernelName, KernelSpecs } from './kernel-contracts.js';
import type { KernelName } from './kernel-contracts.js';


/**
 * Optional fused recurrent kernels (a whole layer's time loop, one direction, time-major). A backend
 * that registers one of these must register its `…Grad` twin too. Masks are prefix masks [T,B]
 * (1 for the first len[b] steps, then 0): padded steps carry the state over and output zeros.
 */
export const LSTMSequence = 'LSTMSequence';
export const LSTMSequenceGrad = 'LSTMSequenceGrad';
export const GRUSequence = 'GRUSequence';
export const GRUSequenceGrad = 'GRUSequenceGrad';
export const RNNSequence = 'RNNSequence';
export const RNNSequenceGrad = 'RNNSequenceGrad';
/** Optional fused affine map y = x·wᵀ + b (see `linear`); without it the op runs matMul + add. */
export const Linear = 'Linear';
/** Optional fused optimizer kernel: one Adam/AdamW step for one parameter (see `adamUpdate`). */
export const AdamUpdate = 'AdamUpdate';
/** Optional fused inverted dropout (see `dropout`); without it the op runs its composite. */
export const Dropout = 'Dropout';

/**
 * Element i is kept when uniformAt(seed, offset + i) < fround(1 − p), then scaled by
 * fround(1 / (1 − p)); dropped elements are 0. The gradient is the same kernel on dy.
 */
export interface DropoutAttrs {
  p: number;
  seed: number;
  offset: number;
}

/**
 * Hyperparameters of one Adam/AdamW step (PyTorch 1.13 `torch.optim.Adam`/`AdamW`). The first
 * step passes zero moments, exactly as PyTorch initialises its state.
 */
export interface AdamUpdateAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: p ← p·(1 − lr·λ) before the step; otherwise (Adam) g ← g + λ·p. */
  decoupled: boolean;
  /** Normalise by the running maximum of v (a fifth input and a fourth output). */
  amsgrad: boolean;
  /** 1-based step number t of the bias corrections 1 − βᵗ. */
  step: number;
}

/** Kernels with no gradient (outputs are indices, booleans, or fresh data). */
export const NON_DIFFERENTIABLE: ReadonlySet<string> = new Set([
  Less, Equal, ArgMax, Fill, RandomUniform, RandomNormal,
  LSTMSequenceGrad, GRUSequenceGrad, RNNSequenceGrad, AdamUpdate,
]);

export const PRIMITIVE_KERNELS: readonly KernelName[] = [
  ...UNARY_KERNELS, ...BINARY_KERNELS, ...COMPARE_KERNELS, Where, Sum, Max, ArgMax, BatchMatMul,
  Reshape, Transpose, Slice, Concat, Pad, Gather, ScatterAdd, Cast, Fill, RandomUniform, RandomNormal,
];
