/** Tensor values as the 32-bit words WebGPU storage holds (float32 → f32, int32 → i32, bool → u32 0/1). */
import type { DType, TypedArray } from '../dtype.js';

/** Host values as 32-bit words in the GPU layout (bool → u32). */
export function toWords(values: TypedArray, dtype: DType): Float32Array | Int32Array | Uint32Array {
  if (dtype === 'float32') return values instanceof Float32Array ? values : Float32Array.from(values);
  if (dtype === 'int32') return values instanceof Int32Array ? values : Int32Array.from(values);
  if (dtype === 'bool') return Uint32Array.from(values, (v) => (v ? 1 : 0));
  throw new Error(`webgpu: write: float64 is not supported on WebGPU (WGSL has no f64); use float32`);
}

export function fromWords(raw: ArrayBuffer, dtype: DType): TypedArray {
  if (dtype === 'float32') return new Float32Array(raw);
  if (dtype === 'int32') return new Int32Array(raw);
  if (dtype === 'bool') return Uint8Array.from(new Uint32Array(raw), (v) => (v ? 1 : 0));
  throw new Error('webgpu: read: float64 is not supported on WebGPU');
}
