/**
 * Kernel contracts, declared once per kernel name: the names of its inputs and outputs in order and
 * the type of its attrs. Kernels (`defineKernel`), ops (`runNamedKernel`), gradient rules
 * (autograd's `defineNamedGrad`) and the attrs map `KernelSpecs` all derive from this table, so a
 * wrong attribute or input name is a type error and no code indexes kernel inputs by position.
 *
 * Conventions: a name ending in `?` is an optional trailing input or output (AdamUpdate's amsgrad
 * state); `...xs` marks a variadic kernel (Concat), which has no named form.
 */
import type { DType } from './dtype.js';
import type { AdamUpdateAttrs, DropoutAttrs, RandomAttrs, ReduceAttrs } from './kernel-names.js';

type NoAttrs = Record<string, never>;

/** Input and output names of one kernel; `attrs` only carries its attrs type (never set). */
export interface KernelContract<I extends readonly string[] = readonly string[], O extends readonly string[] = readonly string[], A = unknown> {
  readonly inputs: I;
  readonly outputs: O;
  readonly attrs?: A;
}

/** `contract<Attrs>()(inputs, outputs)`: the attrs type is given, the names are inferred as literals. */
const contract = <A = NoAttrs>() =>
  <const I extends readonly string[], const O extends readonly string[]>(inputs: I, outputs: O): KernelContract<I, O, A> => ({ inputs, outputs });

const unary = contract()(['x'], ['y']);
const binary = contract()(['a', 'b'], ['y']);
const reduce = contract<ReduceAttrs>()(['x'], ['y']);
type Act = { nonlinearity: 'tanh' | 'relu' };

/**
 * Every kernel's contract, by name.
 *
 * @example
 * KERNEL_CONTRACTS.GRUSequence.inputs; // ['xProj', 'wHh', 'bHh', 'h0', 'mask']
 * type A = KernelSpecs['RNNSequence']; // { nonlinearity: 'tanh' | 'relu' }
 */
export const KERNEL_CONTRACTS = {
  Neg: unary, Exp: unary, Log: unary, Sqrt: unary, Tanh: unary, Sigmoid: unary, Relu: unary, Abs: unary,
  Add: binary, Sub: binary, Mul: binary, Div: binary, Maximum: binary, Pow: binary, Less: binary, Equal: binary,
  Where: contract()(['cond', 'a', 'b'], ['y']),
  Sum: reduce,
  Max: reduce,
  ArgMax: contract<{ axis: number; keepDims: boolean }>()(['x'], ['y']),
  /** a [Ba,M,K] (or [Ba,K,M] transposed), b [Bb,K,N]; Ba/Bb equal or 1. */
  BatchMatMul: contract<{ transposeA: boolean; transposeB: boolean }>()(['a', 'b'], ['y']),
  Reshape: contract<{ shape: number[] }>()(['x'], ['y']),
  Transpose: contract<{ perm: number[] }>()(['x'], ['y']),
  Slice: contract<{ begin: number[]; size: number[] }>()(['x'], ['y']),
  Concat: contract<{ axis: number }>()(['...xs'], ['y']),
  Pad: contract<{ paddings: Array<[number, number]>; value: number }>()(['x'], ['y']),
  /**
   * y = x.shape[:axis] + indices.shape + x.shape[axis+1:]. `paddingIdx` (embedding lookups) changes
   * only the gradient: slices picked by that index get none (kernels ignore it).
   */
  Gather: contract<{ axis: number; paddingIdx?: number }>()(['x', 'indices'], ['y']),
  /**
   * Inverse of Gather: zeros(shape), then y[.., idx[j], ..] += updates[.., j, ..], skipping the
   * positions whose index is `skipIndex` (the CPU kernel honours it; ops/indexing.ts masks the
   * updates first on backends that do not).
   */
  ScatterAdd: contract<{ shape: number[]; axis: number; skipIndex?: number }>()(['updates', 'indices'], ['y']),
  Cast: contract<{ dtype: DType }>()(['x'], ['y']),
  Fill: contract<{ shape: number[]; value: number; dtype: DType }>()([], ['y']),
  RandomUniform: contract<RandomAttrs & { low: number; high: number; dtype: DType }>()([], ['y']),
  RandomNormal: contract<RandomAttrs & { mean: number; std: number; dtype: DType }>()([], ['y']),
  /** xProj [T,B,4H] (i,f,g,o), wHh [4H,H], h0/c0 [B,H], mask [T,B] → y [T,B,H], hN/cN [B,H],
   *  gates [T,B,4H] (activated), cells [T,B,H]; keepState false: gates and cells may be empty ([0]). */
  LSTMSequence: contract<{ keepState?: boolean }>()(['xProj', 'wHh', 'h0', 'c0', 'mask'], ['y', 'hN', 'cN', 'gates', 'cells']),
  LSTMSequenceGrad: contract()(['dy', 'dhN', 'dcN', 'wHh', 'h0', 'c0', 'mask', 'gates', 'cells', 'y'], ['dxProj', 'dwHh', 'dh0', 'dc0']),
  /** xProj [T,B,3H] (r,z,n; x·W_ihᵀ + b_ih), wHh [3H,H], bHh [3H], h0 [B,H], mask [T,B] → y, hN,
   *  gates [T,B,3H] (activated), hLin [T,B,H] (W_hn·h + b_hn); keepState false: gates/hLin may be empty. */
  GRUSequence: contract<{ keepState?: boolean }>()(['xProj', 'wHh', 'bHh', 'h0', 'mask'], ['y', 'hN', 'gates', 'hLin']),
  GRUSequenceGrad: contract()(['dy', 'dhN', 'wHh', 'h0', 'mask', 'gates', 'hLin', 'y'], ['dxProj', 'dwHh', 'dbHh', 'dh0']),
  /** xProj [T,B,H], wHh [H,H], h0 [B,H], mask [T,B] → y [T,B,H], hN [B,H] */
  RNNSequence: contract<Act>()(['xProj', 'wHh', 'h0', 'mask'], ['y', 'hN']),
  RNNSequenceGrad: contract<Act>()(['dy', 'dhN', 'wHh', 'h0', 'mask', 'y'], ['dxProj', 'dwHh', 'dh0']),
  /** x [N,K], w [O,K], b [O] (one float dtype) → y [N,O] = x·wᵀ + b */
  Linear: contract()(['x', 'w', 'b'], ['y']),
  /** All one shape and float dtype; fresh outputs (the inputs are untouched); amsgrad adds the max state. */
  AdamUpdate: contract<AdamUpdateAttrs>()(['param', 'grad', 'expAvg', 'expAvgSq', 'maxExpAvgSq?'], ['param', 'expAvg', 'expAvgSq', 'maxExpAvgSq?']),
  Dropout: contract<DropoutAttrs>()(['x'], ['y']),
} as const;

type Contracts = typeof KERNEL_CONTRACTS;
/** Every kernel name with a contract. */
export type KernelName = keyof Contracts;
/** The attrs type of each kernel, by name. */
export type KernelSpecs = { [N in KernelName]: NonNullable<Contracts[N]['attrs']> };
/** Input names of kernel `N` (optional ones with their `?`). */
export type InputNames<N extends KernelName> = Contracts[N]['inputs'][number];
/** Output names of kernel `N` (optional ones with their `?`). */
export type OutputNames<N extends KernelName> = Contracts[N]['outputs'][number];

type Required<S extends string> = S extends `${string}?` | `...${string}` ? never : S;
type Optional<S extends string> = S extends `${infer B}?` ? B : never;
/** A record of `T` by name: required names, then optional ones (`name?`) without their `?`. */
export type Named<S extends string, T> = { [K in Required<S>]: T } & { [K in Optional<S>]?: T };
/** A kernel's inputs by name, e.g. `KernelInputs<'LSTMSequence', Tensor>` = `{ xProj, wHh, h0, c0, mask }`. */
export type KernelInputs<N extends KernelName, T> = Named<InputNames<N>, T>;
/** A kernel's outputs by name. */
export type KernelOutputs<N extends KernelName, T> = Named<OutputNames<N>, T>;
/** Input names without the optional marker (what a named record's keys are). */
export type InputKey<N extends KernelName> = keyof KernelInputs<N, unknown> & string;
/** Output names without the optional marker. */
export type OutputKey<N extends KernelName> = keyof KernelOutputs<N, unknown> & string;

const bare = (n: string) => (n.endsWith('?') ? n.slice(0, -1) : n);

function contractOf(name: KernelName, side: 'inputs' | 'outputs'): readonly string[] {
  const names = (KERNEL_CONTRACTS[name] as KernelContract | undefined)?.[side];
  if (!names) throw new Error(`kernel contract: no kernel named '${String(name)}'`);
  if (names[0]?.startsWith('...')) throw new Error(`kernel contract: ${name} is variadic and has no named ${side}`);
  return names;
}

/** Names the positional list `list` of kernel `name`'s `side` ('inputs' or 'outputs'); checks the count. */
function toNamed(name: KernelName, side: 'inputs' | 'outputs', list: readonly unknown[]): Record<string, unknown> {
  const names = contractOf(name, side);
  const required = names.filter((n) => !n.endsWith('?')).length;
  if (list.length < required || list.length > names.length) {
    throw new Error(`${name}: expected ${required === names.length ? names.length : `${required}–${names.length}`} ${side} (${names.join(', ')}), got ${list.length}`);
  }
  const out: Record<string, unknown> = {};
  list.forEach((v, i) => { out[bare(names[i]!)] = v; });
  return out;
}

/** Orders a named record of kernel `name`'s `side` as the kernel takes it (a missing optional one ends the list). */
function toList<T>(name: KernelName, side: 'inputs' | 'outputs', named: Readonly<Record<string, T | undefined>>): T[] {
  const out: T[] = [];
  for (const n of contractOf(name, side)) {
    const v = named[bare(n)];
    if (v === undefined) {
      if (n.endsWith('?')) break;
      throw new Error(`${name}: ${side.slice(0, -1)} '${n}' is missing`);
    }
    out.push(v);
  }
  return out;
}

/**
 * A kernel's positional inputs as a record by name (kernels and rules read them this way).
 *
 * @example
 * const { xProj, wHh, h0, c0, mask } = inputsOf('LSTMSequence', args.inputs);
 */
export function inputsOf<N extends KernelName, T>(name: N, inputs: readonly T[]): KernelInputs<N, T> {
  return toNamed(name, 'inputs', inputs) as KernelInputs<N, T>;
}

/** A kernel's positional outputs as a record by name. @example const { y, hN } = outputsOf('RNNSequence', outs); */
export function outputsOf<N extends KernelName, T>(name: N, outputs: readonly T[]): KernelOutputs<N, T> {
  return toNamed(name, 'outputs', outputs) as KernelOutputs<N, T>;
}

/** Named inputs in the kernel's order. @example inputList('Linear', { x, w, b }) // [x, w, b] */
export function inputList<N extends KernelName, T>(name: N, inputs: KernelInputs<N, T>): T[] {
  return toList(name, 'inputs', inputs as Record<string, T | undefined>);
}

/** Named outputs in the kernel's order. @example outputList('RNNSequence', { y, hN }) // [y, hN] */
export function outputList<N extends KernelName, T>(name: N, outputs: KernelOutputs<N, T>): T[] {
  return toList(name, 'outputs', outputs as Record<string, T | undefined>);
}

/** Input names of `name` in order, without optional markers. @example inputNames('Gather') // ['x', 'indices'] */
export function inputNames<N extends KernelName>(name: N): InputKey<N>[] {
  return contractOf(name, 'inputs').map(bare) as InputKey<N>[];
}

/** Output names of `name` in order, without optional markers. @example outputNames('RNNSequence') // ['y', 'hN'] */
export function outputNames<N extends KernelName>(name: N): OutputKey<N>[] {
  return contractOf(name, 'outputs').map(bare) as OutputKey<N>[];
}
