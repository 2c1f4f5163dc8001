/**
 * WebGPU movement kernels. Reshape shares the buffer (refcount bump). Transpose, Slice, Concat and
 * Pad are all one dtype-blind strided copy over 32-bit words:
 *   dst[dstOff + Σ c_d·dstStr_d] = src[srcOff + Σ c_d·srcStr_d] for every coordinate c of `shape`.
 */
import type { TensorInfo } from '../../backend.js';
import { sizeOf, stridesOf } from '../../shape.js';
import type { WebGPUBackend } from '../backend.js';
import { linearMain, runProgram, type Program } from '../program.js';
import { filled } from './creation.js';
import type { Cfg } from './common.js';
import { offsetsFromIndex } from './common.js';

const WG = 64;

function copyProgram(rank: number): Program {
  return {
    key: `strided-copy:${rank}`,
    label: `strided copy (rank ${rank})`,
    bindings: [{ name: 'src', type: 'u32', access: 'read' }, { name: 'dst', type: 'u32', access: 'read_write' }],
    uniforms: [
      { name: 'size', type: 'u32' }, { name: 'srcOff', type: 'u32' }, { name: 'dstOff', type: 'u32' },
      { name: 'shape', type: 'dims' }, { name: 'sstr', type: 'dims' }, { name: 'dstr', type: 'dims' },
    ],
    body: () => linearMain(WG, `${offsetsFromIndex(rank, 'shape', ['sstr', 'dstr'])}
  dst[u.dstOff + off_dstr] = src[u.srcOff + off_sstr];`),
  };
}

/** Records a strided copy of `shape` elements between two buffers (word offsets and strides). */
export function stridedCopy(
  backend: WebGPUBackend, src: GPUBuffer, dst: GPUBuffer, shape: readonly number[],
  srcOff: number, srcStrides: readonly number[], dstOff: number, dstStrides: readonly number[],
): void {
  // Drop size-1 dims: they move nothing and keep the rank (and pipeline count) low.
  const keep = shape.map((d, i) => (d === 1 ? -1 : i)).filter((i) => i >= 0);
  const size = sizeOf(shape);
  runProgram(backend, copyProgram(keep.length), [src, dst], {
    size, srcOff, dstOff, shape: keep.map((i) => shape[i]!), sstr: keep.map((i) => srcStrides[i]!), dstr: keep.map((i) => dstStrides[i]!),
  }, { threads: size, wg: WG });
}

const reshape: Cfg = {
  name: 'Reshape', backend: 'webgpu',
  run: ({ inputs: [x], attrs, backend }) => {
    backend.incRef(x!.dataId);
    return [{ dataId: x!.dataId, shape: (attrs as { shape: number[] }).shape, dtype: x!.dtype }];
  },
};

const transpose: Cfg = {
  name: 'Transpose', backend: 'webgpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const { perm } = attrs as { perm: number[] };
    const outShape = perm.map((p) => x!.shape[p]!);
    const out = backend.makeOutput('Transpose', outShape, x!.dtype);
    const inStr = stridesOf(x!.shape);
    stridedCopy(backend, backend.buffer(x!.dataId), backend.buffer(out.dataId), outShape, 0, perm.map((p) => inStr[p]!), 0, stridesOf(outShape));
    return [out];
  },
};

const slice: Cfg = {
  name: 'Slice', backend: 'webgpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const { begin, size } = attrs as { begin: number[]; size: number[] };
    const out = backend.makeOutput('Slice', size, x!.dtype);
    const str = stridesOf(x!.shape);
    const off = begin.reduce((acc, b, i) => acc + b * str[i]!, 0);
    stridedCopy(backend, backend.buffer(x!.dataId), backend.buffer(out.dataId), size, off, str, 0, stridesOf(size));
    return [out];
  },
};

const concat: Cfg = {
  name: 'Concat', backend: 'webgpu',
  run: ({ inputs, attrs, backend }) => {
    const { axis } = attrs as { axis: number };
    const first = inputs[0]!;
    const outShape = [...first.shape];
    outShape[axis] = inputs.reduce((s, t) => s + t.shape[axis]!, 0);
    const out = backend.makeOutput('Concat', outShape, first.dtype);
    const outStr = stridesOf(outShape);
    let offset = 0;
    // One copy per input: no limit on the number of inputs (storage bindings are capped per shader).
    for (const t of inputs) {
      stridedCopy(backend, backend.buffer(t.dataId), backend.buffer(out.dataId), t.shape, 0, stridesOf(t.shape), offset * outStr[axis]!, outStr);
      offset += t.shape[axis]!;
    }
    return [out];
  },
};

const pad: Cfg = {
  name: 'Pad', backend: 'webgpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const { paddings, value } = attrs as { paddings: Array<[number, number]>; value: number };
    const outShape = x!.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
    const out: TensorInfo = filled(backend, 'Pad', outShape, value, x!.dtype);
    const outStr = stridesOf(outShape);
    const start = paddings.reduce((acc, [b], i) => acc + b * outStr[i]!, 0);
    stridedCopy(backend, backend.buffer(x!.dataId), backend.buffer(out.dataId), x!.shape, 0, stridesOf(x!.shape), start, outStr);
    return [out];
  },
};

export const movementKernels: Cfg[] = [reshape, transpose, slice, concat, pad];
