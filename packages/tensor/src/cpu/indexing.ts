/** CPU Gather / ScatterAdd along an axis (Embedding lookups and their gradient). */
import type { KernelConfig } from '../registry.js';
import { allocFor, allocUninit } from '../dtype.js';
import { sizeOf } from '../shape.js';
import type { CpuBackend } from './cpu-backend.js';

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
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < idx.length; j++) {
        const src = (o * n + idx[j]!) * inner;
        out.set(v.subarray(src, src + inner), (o * idx.length + j) * inner);
      }
    }
    return [backend.out(out, outShape, x!.dtype)];
  },
};

const scatterAdd: KernelConfig<'ScatterAdd', CpuBackend> = {
  name: 'ScatterAdd',
  backend: 'cpu',
  run: ({ inputs: [updates, indices], attrs, backend }) => {
    const { axis, shape } = attrs;
    const u = backend.values(updates!.dataId);
    const idx = backend.values(indices!.dataId);
    const n = shape[axis]!;
    const outer = sizeOf(shape.slice(0, axis));
    const inner = sizeOf(shape.slice(axis + 1));
    const out = allocFor(updates!.dtype, sizeOf(shape));
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < idx.length; j++) {
        const k = idx[j]!;
        if (k < 0 || k >= n) throw new Error(`scatterAdd: index ${k} at position ${j} is out of range [0, ${n})`);
        const dst = (o * n + k) * inner, src = (o * idx.length + j) * inner;
        for (let i = 0; i < inner; i++) out[dst + i]! += u[src + i]!;
      }
    }
    return [backend.out(out, shape, updates!.dtype)];
  },
};

export const indexingKernels = [gather, scatterAdd] as KernelConfig<string, CpuBackend>[];
