/** Movement ops: reshape, transpose, slice, concat, stack, split, pad, squeeze, expandDims, select, unbind. */
import { broadcastShapes, fmt, normalizeAxes, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertTensor, composite, run1 } from './op-utils.js';

/**
 * Same data, new shape (one dimension may be −1). Shares storage; no copy.
 *
 * @example
 * reshape(arange(6), [2, -1]) // shape [2, 3]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('reshape', x);
  const s = [...shape];
  const infer = s.indexOf(-1);
  if (infer >= 0) {
    const rest = sizeOf(s.filter((_, i) => i !== infer));
    if (rest === 0 || x.size % rest !== 0) {
      throw new Error(`reshape: cannot reshape ${fmt(x.shape)} (${x.size} elements) into ${fmt(shape)}`);
    }
    s[infer] = x.size / rest;
  }
  if (s.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(s) !== x.size) {
    throw new Error(`reshape: cannot reshape ${fmt(x.shape)} (${x.size} elements) into ${fmt(shape)}`);
  }
  return run1('Reshape', [x], { shape: s });
}

/** Permutes axes (reverses them by default); entries may be negative (−1 = last). @example transpose(x, [1, 0, 2]) */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  assertTensor('transpose', x);
  const p = perm ? perm.map((a) => (a < 0 ? a + x.rank : a)) : x.shape.map((_, i) => x.rank - 1 - i);
  if (p.length !== x.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) {
    throw new Error(`transpose: [${p.join(',')}] is not a permutation of the axes of ${fmt(x.shape)}`);
  }
  return run1('Transpose', [x], { perm: p });
}

/**
 * A contiguous block: `begin` per axis (negative counts from the end) and `size` per axis (−1 = to
 * the end).
 *
 * @example
 * slice(x, [0, 1], [2, -1]) // rows 0..1, columns 1..end
 * slice(x, [-1, 0]) // the last row
 */
export function slice(x: Tensor, start: readonly number[], size?: readonly number[]): Tensor {
  assertTensor('slice', x);
  if (start.length !== x.rank || (size && size.length !== x.rank)) {
    throw new Error(`slice: begin [${start.join(',')}] / size [${size?.join(',') ?? ''}] do not match rank of ${fmt(x.shape)}`);
  }
  const begin = start.map((b, i) => (b < 0 ? b + x.shape[i]! : b));
  const sz = x.shape.map((d, i) => (size === undefined || size[i] === -1 ? d - begin[i]! : size[i]!));
  x.shape.forEach((d, i) => {
    if (begin[i]! < 0 || sz[i]! < 0 || begin[i]! + sz[i]! > d) {
      throw new Error(`slice: begin [${begin.join(',')}] size [${sz.join(',')}] out of bounds for ${fmt(x.shape)}`);
    }
  });
  return run1('Slice', [x], { begin: [...begin], size: sz });
}

/** Joins tensors along `axis`. @example concat([a, b], 1) */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('concat: needs at least one tensor');
  xs.forEach((t, i) => assertTensor('concat', t, `input ${i}`));
  const first = xs[0]!;
  const [ax] = normalizeAxes('concat', axis, first.rank);
  for (const t of xs) {
    if (t.dtype !== first.dtype) throw new Error(`concat: dtypes ${first.dtype} and ${t.dtype} differ`);
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new Error(`concat: shapes ${xs.map((x) => fmt(x.shape)).join(', ')} differ outside axis ${ax}`);
    }
  }
  if (xs.length === 1) return reshape(first, first.shape);
  return run1('Concat', [...xs], { axis: ax! });
}

/** Stacks equal-shaped tensors along a new axis. @example stack([a, b]) // [2, ...a.shape] */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('stack: needs at least one tensor');
  const shape = xs[0]!.shape;
  for (const t of xs) {
    if (!shapesEqual(t.shape, shape)) throw new Error(`stack: shapes ${fmt(shape)} and ${fmt(t.shape)} differ`);
  }
  return composite(() => concat(xs.map((t) => expandDims(t, axis)), axis));
}

/** Splits along `axis` into pieces of the given sizes (or `n` equal pieces). @example split(x, 4, 1) */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const [ax] = normalizeAxes('split', axis, x.rank);
  const d = x.shape[ax!]!;
  let parts: number[];
  if (typeof sizes === 'number') {
    if (d % sizes !== 0) throw new Error(`split: axis ${ax} of ${fmt(x.shape)} does not divide into ${sizes} parts`);
    parts = new Array<number>(sizes).fill(d / sizes);
  } else parts = [...sizes];
  if (parts.reduce((a, b) => a + b, 0) !== d) {
    throw new Error(`split: sizes [${parts.join(',')}] do not sum to ${d} (axis ${ax} of ${fmt(x.shape)})`);
  }
  let off = 0;
  return parts.map((p) => {
    const begin = x.shape.map((_, i) => (i === ax ? off : 0));
    const size = x.shape.map((s, i) => (i === ax ? p : s));
    off += p;
    return slice(x, begin, size);
  });
}

/** Pads each axis with [before, after] elements of `value`. @example pad(x, [[0, 0], [1, 2]]) */
export function pad(x: Tensor, paddings: ReadonlyArray<readonly [number, number]>, value = 0): Tensor {
  assertTensor('pad', x);
  if (paddings.length !== x.rank || paddings.some(([a, b]) => a < 0 || b < 0)) {
    throw new Error(`pad: paddings ${JSON.stringify(paddings)} do not fit ${fmt(x.shape)}`);
  }
  return run1('Pad', [x], { paddings: paddings.map(([a, b]) => [a, b] as [number, number]), value });
}

/** Inserts a size-1 axis. @example expandDims(tensor([1, 2]), 0) // shape [1, 2] */
export function expandDims(x: Tensor, axis = 0): Tensor {
  const a = axis < 0 ? x.rank + 1 + axis : axis;
  if (a < 0 || a > x.rank) throw new Error(`expandDims: axis ${axis} out of range for ${fmt(x.shape)}`);
  const s = [...x.shape];
  s.splice(a, 0, 1);
  return reshape(x, s);
}

/** Removes size-1 axes (all, or those listed). */
export function squeeze(x: Tensor, axes?: readonly number[]): Tensor {
  const ax = axes ? normalizeAxes('squeeze', axes, x.rank) : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of ax) if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${a} of ${fmt(x.shape)} is not 1`);
  return reshape(x, x.shape.filter((_, i) => !ax.includes(i)));
}

/** Broadcasts `x` to `shape` (a copy). @example broadcastTo(tensor([1, 2]), [3, 2]) */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return reshape(x, shape);
  if (!shapesEqual(broadcastShapes('broadcastTo', x.shape, shape), shape)) {
    throw new Error(`broadcastTo: ${fmt(x.shape)} cannot broadcast to ${fmt(shape)}`);
  }
  return composite(() => run1('Add', [x, run1('Fill', [], { shape: [...shape], value: 0, dtype: x.dtype })], {}));
}

/** `index` along an axis of length `n`, negative counting from the end, checked. */
function resolveIndex(op: string, index: number, n: number, x: Tensor, axis: number): number {
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new Error(`${op}: index ${index} is out of range for axis ${axis} (size ${n}) of ${fmt(x.shape)}`);
  }
  return index < 0 ? index + n : index;
}

/**
 * The slice at `index` along `axis`, with that axis removed (PyTorch `select`); both may be negative.
 *
 * @example
 * select(tensor([[1, 2], [3, 4]]), 0, -1) // [3, 4]
 */
export function select(x: Tensor, axis: number, index: number): Tensor {
  assertTensor('select', x);
  const [ax] = normalizeAxes('select', axis, x.rank);
  const i = resolveIndex('select', index, x.shape[ax!]!, x, ax!);
  return composite(() => {
    const part = slice(x, x.shape.map((_, k) => (k === ax ? i : 0)), x.shape.map((d, k) => (k === ax ? 1 : d)));
    return reshape(part, x.shape.filter((_, k) => k !== ax));
  });
}

/**
 * Every slice along `axis`, that axis removed (PyTorch `unbind`): the inverse of `stack`.
 *
 * @example
 * const [first, second] = unbind(tensor([[1, 2], [3, 4]]), -1); // [1, 3] and [2, 4]
 */
export function unbind(x: Tensor, axis = 0): Tensor[] {
  assertTensor('unbind', x);
  const [ax] = normalizeAxes('unbind', axis, x.rank);
  return Array.from({ length: x.shape[ax!]! }, (_, i) => select(x, ax!, i));
}
