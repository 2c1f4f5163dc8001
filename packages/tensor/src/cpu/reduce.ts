/** CPU reductions along axes: Sum, Max (NaN-propagating), ArgMax (first max wins). */
import type { KernelConfig } from '../registry.js';
import { allocFor, type TypedArray } from '../dtype.js';
import { sizeOf, stridesOf } from '../shape.js';
import type { CpuBackend } from './cpu-backend.js';

/** Output shape of a reduction. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/**
 * Generic reduction: `init` seeds each output, `step(acc, v)` folds. When the reduced axes are the
 * trailing ones (the common case) it walks contiguous rows; otherwise it maps each input index.
 */
export function reduceImpl(
  x: TypedArray, shape: readonly number[], axes: readonly number[], out: TypedArray,
  init: number, step: (acc: number, v: number) => number,
): void {
  const rank = shape.length;
  const trailing = axes.every((a, i) => a === rank - axes.length + i);
  if (trailing) {
    const inner = sizeOf(shape.slice(rank - axes.length));
    for (let o = 0; o < out.length; o++) {
      let acc = init;
      const base = o * inner;
      for (let j = 0; j < inner; j++) acc = step(acc, x[base + j]!);
      out[o] = acc;
    }
    return;
  }
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStrides = stridesOf(kept).map((s, i) => (axes.includes(i) ? 0 : s));
  const acc = new Float64Array(out.length).fill(init);
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < x.length; i++) {
    acc[o] = step(acc[o]!, x[i]!);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      o += outStrides[d]!;
      if (idx[d]! < shape[d]!) break;
      o -= outStrides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  out.set(acc);
}

const sum: KernelConfig<'Sum', CpuBackend> = {
  name: 'Sum',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const shape = reducedShape(x!.shape, attrs.axes, attrs.keepDims);
    const out = allocFor(x!.dtype === 'bool' ? 'int32' : x!.dtype, sizeOf(shape));
    reduceImpl(backend.values(x!.dataId), x!.shape, attrs.axes, out, 0, (a, v) => a + v);
    return [backend.out(out, shape, x!.dtype === 'bool' ? 'int32' : x!.dtype)];
  },
};

const max: KernelConfig<'Max', CpuBackend> = {
  name: 'Max',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const shape = reducedShape(x!.shape, attrs.axes, attrs.keepDims);
    const out = allocFor(x!.dtype, sizeOf(shape));
    const nanMax = (a: number, v: number) => (a !== a || v !== v ? NaN : v > a ? v : a);
    reduceImpl(backend.values(x!.dataId), x!.shape, attrs.axes, out, -Infinity, nanMax);
    return [backend.out(out, shape, x!.dtype)];
  },
};

const argMax: KernelConfig<'ArgMax', CpuBackend> = {
  name: 'ArgMax',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const { axis } = attrs;
    const v = backend.values(x!.dataId);
    const n = x!.shape[axis]!;
    const inner = sizeOf(x!.shape.slice(axis + 1));
    const outer = sizeOf(x!.shape.slice(0, axis));
    const out = new Int32Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < inner; k++) {
        let best = -Infinity, bi = 0;
        for (let j = 0; j < n; j++) {
          const val = v[(o * n + j) * inner + k]!;
          if (val !== val) { bi = j; break; } // NaN is the maximum, as in PyTorch
          if (val > best) { best = val; bi = j; }
        }
        out[o * inner + k] = bi;
      }
    }
    return [backend.out(out, reducedShape(x!.shape, [axis], attrs.keepDims), 'int32')];
  },
};

export const reduceKernels = [sum, max, argMax] as KernelConfig<string, CpuBackend>[];
