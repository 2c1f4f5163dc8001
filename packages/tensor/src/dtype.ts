/** Element types, their typed arrays, and host-array allocation (pluggable: the core knows no backend). */
/** Element types. `float64` exists only on the CPU backend (gradient checks, reference paths). */
export type DType = 'float32' | 'int32' | 'bool' | 'float64';

export type TypedArray = Float32Array | Int32Array | Uint8Array | Float64Array;

/** Nested JS arrays accepted by `tensor()` and returned by `array()`. */
export type NestedArray = number | boolean | NestedArray[];

const CTORS = {
  float32: Float32Array,
  int32: Int32Array,
  bool: Uint8Array,
  float64: Float64Array,
} as const;

type ArrayCtor = (typeof CTORS)[DType];
/** Makes a typed array of `n` elements, zero-filled when `zero` (a pool may hand back a used one). */
export type ArrayAllocator = (ctor: ArrayCtor, n: number, zero: boolean) => TypedArray;

let allocator: ArrayAllocator = (ctor, n) => new ctor(n);

/** Lets a backend supply host arrays (the CPU backend installs its storage pool). */
export function setArrayAllocator(a: ArrayAllocator): void {
  allocator = a;
}

/** Allocates a zero-filled typed array for `dtype`. */
export function allocFor(dtype: DType, size: number): TypedArray {
  return allocator(CTORS[dtype], size, true);
}

/** Like `allocFor` but the contents are unspecified: for outputs the caller overwrites entirely. */
export function allocUninit(dtype: DType, size: number): TypedArray {
  return allocator(CTORS[dtype], size, false);
}

/** Bytes per element (bool is one byte on the CPU; GPU backends account their own storage). */
export function bytesPerElement(dtype: DType): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

/** The dtype a typed array naturally stores. */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  return 'float64';
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Converts values into a fresh typed array of `dtype` (bool: nonzero → 1). */
export function toTypedArray(values: ArrayLike<number | boolean>, dtype: DType): TypedArray {
  const out = allocFor(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = dtype === 'bool' ? (Number(v) !== 0 ? 1 : 0) : dtype === 'int32' ? Math.trunc(Number(v)) : Number(v);
  }
  return out;
}
