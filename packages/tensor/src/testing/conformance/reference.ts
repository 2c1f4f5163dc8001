/**
 * Float64 reference implementations for the conformance suite. They are written independently of
 * the CPU kernels (plain multi-index loops, no stride walking or shortcuts) so that a bug in a CPU
 * kernel cannot hide by also being in its reference.
 */

export interface Ref {
  data: Float64Array;
  shape: number[];
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Row-major multi-index of flat position `i`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + idx[d]!;
  return flat;
}

/** NumPy broadcast shape (the suite only builds broadcastable pairs). */
export function broadcast(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, d) =>
    Math.max(...shapes.map((s) => s[s.length - rank + d] ?? 1)));
}

/** Position in `shape` of the element broadcast to multi-index `outIdx`. */
function source(outIdx: readonly number[], shape: readonly number[]): number {
  const off = outIdx.length - shape.length;
  return ravel(shape.map((d, k) => (d === 1 ? 0 : outIdx[k + off]!)), shape);
}

export function map(
  inputs: { data: ArrayLike<number>; shape: readonly number[] }[], f: (...v: number[]) => number,
): Ref {
  const shape = broadcast(...inputs.map((t) => t.shape));
  const data = new Float64Array(size(shape));
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape);
    data[i] = f(...inputs.map((t) => t.data[source(idx, t.shape)]!));
  }
  return { data, shape };
}

export const UNARY_REF: Record<string, (x: number) => number> = {
  Neg: (x) => -x,
  Exp: Math.exp,
  Log: Math.log,
  Sqrt: Math.sqrt,
  Tanh: Math.tanh,
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Relu: (x) => (Number.isNaN(x) ? NaN : Math.max(x, 0)),
  Abs: Math.abs,
};

export const BINARY_REF: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  Pow: (a, b) => a ** b,
  Less: (a, b) => (a < b ? 1 : 0),
  Equal: (a, b) => (a === b ? 1 : 0),
};

/** Sum / max over `axes` by visiting every input element once. */
export function reduce(
  x: ArrayLike<number>, shape: readonly number[], axes: readonly number[], keepDims: boolean, kind: 'sum' | 'max',
): Ref {
  const kept = shape.map((d, k) => (axes.includes(k) ? 1 : d));
  const acc = new Float64Array(size(kept)).fill(kind === 'sum' ? 0 : -Infinity);
  for (let i = 0; i < size(shape); i++) {
    const o = ravel(unravel(i, shape).map((v, k) => (axes.includes(k) ? 0 : v)), kept);
    const v = x[i]!;
    acc[o] = kind === 'sum' ? acc[o]! + v : Number.isNaN(v) || Number.isNaN(acc[o]!) ? NaN : Math.max(acc[o]!, v);
  }
  return { data: acc, shape: keepDims ? kept : shape.filter((_, k) => !axes.includes(k)) };
}

/** First index of the maximum along `axis`; NaN counts as the maximum (PyTorch). */
export function argMax(x: ArrayLike<number>, shape: readonly number[], axis: number, keepDims: boolean): Ref {
  const kept = shape.map((d, k) => (k === axis ? 1 : d));
  const out = new Float64Array(size(kept));
  for (let o = 0; o < out.length; o++) {
    const idx = unravel(o, kept);
    let best = -Infinity, bi = -1;
    for (let j = 0; j < shape[axis]!; j++) {
      idx[axis] = j;
      const v = x[ravel(idx, shape)]!;
      if (Number.isNaN(v)) { bi = j; break; }
      if (bi < 0 || v > best) { best = v; bi = j; }
    }
    out[o] = bi;
  }
  return { data: out, shape: keepDims ? kept : shape.filter((_, k) => k !== axis) };
}

/** Batched op(A)·op(B) for rank-3 operands whose batch is equal or 1. */
export function matMul(
  a: ArrayLike<number>, aShape: readonly number[], b: ArrayLike<number>, bShape: readonly number[],
  ta: boolean, tb: boolean,
): Ref {
  const [ba, a1, a2] = aShape as [number, number, number];
  const [bb, b1, b2] = bShape as [number, number, number];
  const m = ta ? a2 : a1, k = ta ? a1 : a2, n = tb ? b1 : b2;
  const batch = Math.max(ba, bb);
  const A = (q: number, i: number, p: number) => a[ravel([ba === 1 ? 0 : q, ta ? p : i, ta ? i : p], aShape)]!;
  const B = (q: number, p: number, j: number) => b[ravel([bb === 1 ? 0 : q, tb ? j : p, tb ? p : j], bShape)]!;
  const data = new Float64Array(batch * m * n);
  for (let q = 0; q < batch; q++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A(q, i, p) * B(q, p, j);
        data[(q * m + i) * n + j] = s;
      }
    }
  }
  return { data, shape: [batch, m, n] };
}

/** Builds an output of `shape` elementwise from its multi-index. */
export function generate(shape: readonly number[], f: (idx: number[]) => number): Ref {
  const data = new Float64Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = f(unravel(i, shape));
  return { data, shape: [...shape] };
}

export function transpose(x: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): Ref {
  const outShape = perm.map((p) => shape[p]!);
  return generate(outShape, (idx) => {
    const src = new Array<number>(shape.length);
    perm.forEach((p, k) => (src[p] = idx[k]!));
    return x[ravel(src, shape)]!;
  });
}

export function slice(x: ArrayLike<number>, shape: readonly number[], begin: readonly number[], sz: readonly number[]): Ref {
  return generate(sz, (idx) => x[ravel(idx.map((v, k) => v + begin[k]!), shape)]!);
}

export function concat(parts: { data: ArrayLike<number>; shape: readonly number[] }[], axis: number): Ref {
  const shape = [...parts[0]!.shape];
  shape[axis] = parts.reduce((s, p) => s + p.shape[axis]!, 0);
  return generate(shape, (idx) => {
    let j = idx[axis]!;
    for (const p of parts) {
      if (j < p.shape[axis]!) return p.data[ravel(idx.map((v, k) => (k === axis ? j : v)), p.shape)]!;
      j -= p.shape[axis]!;
    }
    throw new Error('unreachable');
  });
}

export function pad(x: ArrayLike<number>, shape: readonly number[], paddings: readonly (readonly [number, number])[], value: number): Ref {
  const outShape = shape.map((d, k) => d + paddings[k]![0] + paddings[k]![1]);
  return generate(outShape, (idx) => {
    const src = idx.map((v, k) => v - paddings[k]![0]);
    return src.every((v, k) => v >= 0 && v < shape[k]!) ? x[ravel(src, shape)]! : value;
  });
}

export function gather(x: ArrayLike<number>, shape: readonly number[], ids: ArrayLike<number>, idShape: readonly number[], axis: number): Ref {
  const outShape = [...shape.slice(0, axis), ...idShape, ...shape.slice(axis + 1)];
  return generate(outShape, (idx) => {
    const id = ids[ravel(idx.slice(axis, axis + idShape.length), idShape)]!;
    return x[ravel([...idx.slice(0, axis), id, ...idx.slice(axis + idShape.length)], shape)]!;
  });
}

/** zeros(shape); out[.., ids[j], ..] += updates[.., j, ..] — repeated ids accumulate. */
export function scatterAdd(
  updates: ArrayLike<number>, ids: ArrayLike<number>, idShape: readonly number[], shape: readonly number[], axis: number,
): Ref {
  const uShape = [...shape.slice(0, axis), ...idShape, ...shape.slice(axis + 1)];
  const data = new Float64Array(size(shape));
  for (let i = 0; i < size(uShape); i++) {
    const idx = unravel(i, uShape);
    const id = ids[ravel(idx.slice(axis, axis + idShape.length), idShape)]!;
    data[ravel([...idx.slice(0, axis), id, ...idx.slice(axis + idShape.length)], shape)]! += updates[i]!;
  }
  return { data, shape: [...shape] };
}
