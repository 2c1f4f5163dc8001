/** CPU Gather / ScatterAdd along an axis (Embedding lookups and their gradient). */
import type { KernelConfig } from '../registry.js';
import { allocFor, allocUninit, type TypedArray } from '../dtype.js';
import { sizeOf } from '../shape.js';
import type { CpuBackend } from './cpu-backend.js';
import { wasmRuntime } from './wasm/runtime.js';

const gather: KernelConfig<'Gather', CpuBackend> = {
  name: 'Gather',
  backend: 'cpu',
  run: ({ inputs: [x, indices], attrs, backend }) => {
    const { axis } = attrs;
    const v = backend.values(x!.dataId);
    const idx = backend.values(indices!.dataId);
    const n = x!.shape[axis]!;
    const outer = sizeOf(x!.shape.slice(0, axis));
    const inner = sizeOf(x!.shape.slice(axis + 1));
    const outShape = [...x!.shape.slice(0, axis), ...indices!.shape, ...x!.shape.slice(axis + 1)];
    const out = allocUninit(x!.dtype, sizeOf(outShape)); // every element is copied below
    for (let j = 0; j < idx.length; j++) {
      const k = idx[j]!;
      if (k < 0 || k >= n) throw new Error(`gather: index ${k} at position ${j} is out of range [0, ${n})`);
    }
    // set() per row (a memcpy) is ~2x faster than an element loop for 100-float embedding rows.
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < idx.length; j++) {
        const src = (o * n + idx[j]!) * inner;
        out.set(v.subarray(src, src + inner), (o * idx.length + j) * inner);
      }
    }
    return [backend.out(out, outShape, x!.dtype)];
  },
};

/**
 * out[.., idx[j], ..] += u[.., j, ..] for every j in order (skipping idx[j] === skip), onto `out`
 * zeroed from `base` (a float offset: the output may live inside a larger WebAssembly memory view).
 */
function scatterInto(out: TypedArray, base: number, u: TypedArray, idx: TypedArray, outer: number, n: number, inner: number, skip: number): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      const k = idx[j]!;
      if (k < 0 || k >= n) throw new Error(`scatterAdd: index ${k} at position ${j} is out of range [0, ${n})`);
      if (k === skip) continue;
      const dst = base + (o * n + k) * inner, src = (o * idx.length + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i]! += u[src + i]!;
    }
  }
}

const scatterAdd: KernelConfig<'ScatterAdd', CpuBackend> = {
  name: 'ScatterAdd',
  backend: 'cpu',
  run: ({ inputs: [updates, indices], attrs, backend }) => {
    const { axis, shape } = attrs;
    const skip = attrs.skipIndex ?? -1;
    const u = backend.values(updates!.dataId);
    const idx = backend.values(indices!.dataId);
    const n = shape[axis]!;
    const outer = sizeOf(shape.slice(0, axis));
    const inner = sizeOf(shape.slice(axis + 1));
    const size = sizeOf(shape);
    // A float32 result (an embedding gradient, [V, E]) is built in the kernels' shared memory and
    // stays there as the tensor's storage, so the optimizer's WebAssembly update reads it in place
    // instead of copying it in; the zero fill reuses pages already mapped. Same additions, same order.
    const rt = updates!.dtype === 'float32' && size > 0 ? wasmRuntime() : null;
    if (rt?.shared) {
      const mark = rt.mark();
      try {
        const p = rt.alloc(size);
        // Zeroed by the module's memory.fill: the column sums of a 0-row matrix are `size` zeros.
        // (TypedArray fill on a shared memory is an element loop, ~7× slower for 8 MB here.)
        rt.x.colSum(p, 0, size, p);
        scatterInto(rt.f32(), p >> 2, u, idx, outer, n, inner, skip);
        return [backend.out(rt.output(p, size), shape, 'float32')];
      } finally {
        rt.release(mark);
      }
    }
    const out = allocFor(updates!.dtype, size);
    scatterInto(out, 0, u, idx, outer, n, inner, skip);
    return [backend.out(out, shape, updates!.dtype)];
  },
};

export const indexingKernels = [gather, scatterAdd] as KernelConfig<string, CpuBackend>[];
