/** Creation ops: tensor, zeros, ones, full, arange and seeded random tensors. */
import { type DType, type NestedArray, toTypedArray, type TypedArray, dtypeOfArray } from '../dtype.js';
import { ENGINE } from '../engine.js';
import { assertShape, fmt, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { run1 } from './op-utils.js';
import { streamFor } from './random-stream.js';

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0] as NestedArray;
  }
  return shape;
}

function flatten(values: NestedArray, out: (number | boolean)[], shape: number[], dim = 0): void {
  if (Array.isArray(values)) {
    if (values.length !== shape[dim]) throw new Error(`tensor: ragged nested array at depth ${dim}`);
    for (const v of values) flatten(v, out, shape, dim + 1);
  } else {
    if (dim !== shape.length) throw new Error(`tensor: ragged nested array at depth ${dim}`);
    out.push(values);
  }
}

/**
 * Creates a tensor from nested arrays, a flat array, or a typed array.
 *
 * @example
 * const a = tensor([[1, 2], [3, 4]]);            // float32 [2,2]
 * const ids = tensor([3, 1, 2], [3], 'int32');
 */
export function tensor(values: NestedArray | TypedArray | readonly number[], shape?: readonly number[], dtype?: DType): Tensor {
  let flat: ArrayLike<number | boolean>;
  let inferred: number[];
  if (ArrayBuffer.isView(values)) {
    flat = values as TypedArray;
    inferred = [flat.length];
    dtype ??= dtypeOfArray(values as TypedArray);
  } else if (Array.isArray(values)) {
    inferred = inferShape(values as NestedArray);
    const out: (number | boolean)[] = [];
    flatten(values as NestedArray, out, inferred);
    flat = out;
    if (dtype === undefined && out.length > 0 && typeof out[0] === 'boolean') dtype = 'bool';
  } else {
    flat = [values as number | boolean];
    inferred = [];
    if (typeof values === 'boolean') dtype ??= 'bool';
  }
  const finalShape = shape ? [...shape] : inferred;
  assertShape('tensor', finalShape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new Error(`tensor: ${flat.length} values do not fill shape ${fmt(finalShape)} (${sizeOf(finalShape)} elements)`);
  }
  const dt = dtype ?? 'float32';
  return ENGINE.write(toTypedArray(flat, dt), finalShape, dt);
}

/** A tensor of `shape` filled with `value`. @example full([2, 3], 0.5) */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  assertShape('full', shape);
  return run1('Fill', [], { shape: [...shape], value, dtype });
}

/** Zeros. @example zeros([2, 3]) */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return full(shape, 0, dtype);
}

/** Ones. @example ones([4], 'int32') */
export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return full(shape, 1, dtype);
}

export function zerosLike(t: Tensor): Tensor {
  return full(t.shape, 0, t.dtype);
}

export function onesLike(t: Tensor): Tensor {
  return full(t.shape, 1, t.dtype);
}

/** Values start, start+step, … below stop. @example arange(0, 5) // [0,1,2,3,4] */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new Error('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const vals = new Array<number>(n);
  for (let i = 0; i < n; i++) vals[i] = start + i * step;
  return tensor(vals, [n], dtype);
}

export interface RandomOptions {
  /** Explicit seed: the stream starts at counter 0. Without it the global stream (setSeed) advances. */
  seed?: number;
  dtype?: DType;
}

/**
 * Uniform samples in [low, high) from the counter-based stream (same numbers on every backend).
 *
 * @example
 * const w = randomUniform([4, 4], -0.5, 0.5, { seed: 42 });
 */
export function randomUniform(shape: readonly number[], low = 0, high = 1, opts: RandomOptions = {}): Tensor {
  assertShape('randomUniform', shape);
  const s = streamFor(sizeOf(shape), opts.seed);
  return run1('RandomUniform', [], { shape: [...shape], ...s, low, high, dtype: opts.dtype ?? 'float32' });
}

/**
 * Normal samples (Box–Muller over the counter-based stream).
 *
 * @example
 * const x = randomNormal([2, 3], 0, 1, { seed: 7 });
 */
export function randomNormal(shape: readonly number[], mean = 0, std = 1, opts: RandomOptions = {}): Tensor {
  assertShape('randomNormal', shape);
  const s = streamFor(sizeOf(shape), opts.seed);
  return run1('RandomNormal', [], { shape: [...shape], ...s, mean, std, dtype: opts.dtype ?? 'float32' });
}
