/** CPU movement kernels: Reshape (shares storage), Transpose, Slice, Concat, Pad. */
import type { KernelConfig } from '../registry.js';
import { allocFor } from '../dtype.js';
import { sizeOf, stridesOf } from '../shape.js';
import type { CpuBackend } from './cpu-backend.js';
import { walkBroadcast } from './elementwise.js';

type Cfg = KernelConfig<string, CpuBackend>;

const reshape: KernelConfig<'Reshape', CpuBackend> = {
  name: 'Reshape',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    backend.incRef(x!.dataId);
    return [{ dataId: x!.dataId, shape: attrs.shape, dtype: x!.dtype }];
  },
};

const transpose: KernelConfig<'Transpose', CpuBackend> = {
  name: 'Transpose',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const { perm } = attrs;
    const v = backend.values(x!.dataId);
    const outShape = perm.map((p) => x!.shape[p]!);
    const inStrides = stridesOf(x!.shape);
    const out = allocFor(x!.dtype, v.length);
    if (perm.length === 2 && perm[0] === 1) {
      const [r, c] = x!.shape as [number, number];
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = v[i * c + j]!;
    } else {
      walkBroadcast(outShape, [perm.map((p) => inStrides[p]!)], (i, [src]) => {
        out[i] = v[src!]!;
      });
    }
    return [backend.out(out, outShape, x!.dtype)];
  },
};

const slice: KernelConfig<'Slice', CpuBackend> = {
  name: 'Slice',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const v = backend.values(x!.dataId);
    const strides = stridesOf(x!.shape);
    const out = allocFor(x!.dtype, sizeOf(attrs.size));
    const start = attrs.begin.reduce((acc, b, i) => acc + b * strides[i]!, 0);
    const rank = x!.shape.length;
    // Copy contiguous innermost runs.
    const inner = attrs.size[rank - 1] ?? 1;
    const outerShape = attrs.size.slice(0, -1);
    let o = 0;
    walkBroadcast(outerShape, [strides.slice(0, -1)], (_i, [src]) => {
      const s = start + src!;
      for (let j = 0; j < inner; j++) out[o++] = v[s + j]!;
    });
    return [backend.out(out, attrs.size, x!.dtype)];
  },
};

const concat: KernelConfig<'Concat', CpuBackend> = {
  name: 'Concat',
  backend: 'cpu',
  run: ({ inputs, attrs, backend }) => {
    const { axis } = attrs;
    const first = inputs[0]!;
    const outShape = [...first.shape];
    outShape[axis] = inputs.reduce((s, t) => s + t.shape[axis]!, 0);
    const outer = sizeOf(first.shape.slice(0, axis));
    const inner = sizeOf(first.shape.slice(axis + 1));
    const out = allocFor(first.dtype, sizeOf(outShape));
    const rowOut = outShape[axis]! * inner;
    let offset = 0;
    for (const t of inputs) {
      const v = backend.values(t.dataId);
      const row = t.shape[axis]! * inner;
      for (let o = 0; o < outer; o++) out.set(v.subarray(o * row, (o + 1) * row), o * rowOut + offset);
      offset += row;
    }
    return [backend.out(out, outShape, first.dtype)];
  },
};

const pad: KernelConfig<'Pad', CpuBackend> = {
  name: 'Pad',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const v = backend.values(x!.dataId);
    const outShape = x!.shape.map((d, i) => d + attrs.paddings[i]![0] + attrs.paddings[i]![1]);
    const out = allocFor(x!.dtype, sizeOf(outShape)).fill(attrs.value);
    const outStrides = stridesOf(outShape);
    const start = attrs.paddings.reduce((acc, [b], i) => acc + b * outStrides[i]!, 0);
    walkBroadcast(x!.shape, [outStrides], (i, [dst]) => {
      out[start + dst!] = v[i]!;
    });
    return [backend.out(out, outShape, x!.dtype)];
  },
};

export const movementKernels = [reshape, transpose, slice, concat, pad] as Cfg[];
