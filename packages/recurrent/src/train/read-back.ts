/** Reading several tensors back in one transfer: one sync point per step, whatever the backend. */
import { cast, concat, formatShape, keep, reshape, scope, type Tensor, type TypedArray } from '@recur/tensor';

/**
 * Copies all of `tensors` to the host with a single read: they are flattened, cast to one float
 * dtype (float64 if any of them is float64, else float32) and concatenated on the device, then read
 * once and split again. A single float tensor is read as is. Values come back in input order.
 *
 * @example
 * const [loss, correct] = await readTogether([lossTensor, correctTensor]);
 * console.log(loss[0], correct[0]);
 */
export async function readTogether(tensors: readonly Tensor[]): Promise<TypedArray[]> {
  if (tensors.length === 0) return [];
  for (const t of tensors) t.assertAlive('readTogether');
  const only = tensors[0]!;
  if (tensors.length === 1 && (only.dtype === 'float32' || only.dtype === 'float64')) return [await only.data()];
  const dtype = tensors.some((t) => t.dtype === 'float64') ? 'float64' : 'float32';
  const joined = keep(scope(() => concat(tensors.map((t) => reshape(t.dtype === dtype ? t : cast(t, dtype), [t.size])), 0)));
  let values: TypedArray;
  try {
    values = await joined.data();
  } finally {
    joined.dispose();
  }
  const out: TypedArray[] = [];
  let offset = 0;
  for (const t of tensors) {
    out.push(values.subarray(offset, offset + t.size));
    offset += t.size;
  }
  return out;
}

/** The one value of a one-element tensor's read-back, with an error naming what was not a scalar. */
export function scalarOf(what: string, values: TypedArray, shape: readonly number[]): number {
  if (values.length !== 1) throw new Error(`${what} must be a scalar (one element), got ${formatShape(shape)}`);
  return values[0]!;
}
