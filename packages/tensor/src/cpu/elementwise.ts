/** CPU elementwise kernels: unary, binary with broadcasting, compare, where, cast. */
import type { KernelConfig } from '../registry.js';
import type { TensorInfo } from '../backend.js';
import { allocFor, type DType, type TypedArray } from '../dtype.js';
import { BINARY_TABLE, UNARY_TABLE } from '../elementwise-table.js';
import { BINARY_KERNELS, COMPARE_KERNELS, UNARY_KERNELS } from '../kernel-names.js';
import { broadcastShapes, broadcastStrides, shapesEqual, sizeOf } from '../shape.js';
import type { CpuBackend } from './cpu-backend.js';

type Cfg = KernelConfig<string, CpuBackend>;

export function unaryImpl(x: TypedArray, f: (a: number) => number, out: TypedArray): TypedArray {
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return out;
}

/** Applies `f` over a broadcast of `a` and `b` into `out` of `outShape`. */
export function binaryImpl(
  a: TypedArray, aShape: readonly number[], b: TypedArray, bShape: readonly number[],
  outShape: readonly number[], f: (x: number, y: number) => number, out: TypedArray,
): TypedArray {
  const n = out.length;
  if (shapesEqual(aShape, bShape)) {
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
  } else if (b.length === 1) {
    const bv = b[0]!;
    for (let i = 0; i < n; i++) out[i] = f(a[i % a.length]!, bv);
  } else if (a.length === 1) {
    const av = a[0]!;
    for (let i = 0; i < n; i++) out[i] = f(av, b[i % b.length]!);
  } else {
    const sa = broadcastStrides(aShape, outShape);
    const sb = broadcastStrides(bShape, outShape);
    walkBroadcast(outShape, [sa, sb], (i, [ia, ib]) => {
      out[i] = f(a[ia!]!, b[ib!]!);
    });
  }
  return out;
}

/** Iterates a shape in row-major order, tracking one offset per strides list. */
export function walkBroadcast(
  shape: readonly number[], strides: number[][], fn: (i: number, offs: number[]) => void,
): void {
  const rank = shape.length;
  const n = sizeOf(shape);
  const idx = new Array<number>(rank).fill(0);
  const offs = strides.map(() => 0);
  for (let i = 0; i < n; i++) {
    fn(i, offs);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < strides.length; k++) offs[k]! += strides[k]![d]!;
      if (idx[d]! < shape[d]!) break;
      for (let k = 0; k < strides.length; k++) offs[k]! -= strides[k]![d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

const unary: Cfg[] = UNARY_KERNELS.map((name) => ({
  name,
  backend: 'cpu',
  run: ({ inputs: [x], backend }) => {
    const v = backend.values(x!.dataId);
    return [backend.out(unaryImpl(v, UNARY_TABLE[name]!.cpu, allocFor(x!.dtype, v.length)), x!.shape, x!.dtype)];
  },
}));

function binaryKernel(name: string, outDtype?: DType): Cfg {
  const f = BINARY_TABLE[name]!.cpu;
  return {
    name,
    backend: 'cpu',
    run: ({ inputs: [a, b], backend }) => {
      const shape = broadcastShapes(name, a!.shape, b!.shape);
      const dtype = outDtype ?? a!.dtype;
      const out = allocFor(dtype, sizeOf(shape));
      binaryImpl(backend.values(a!.dataId), a!.shape, backend.values(b!.dataId), b!.shape, shape, f, out);
      return [backend.out(out, shape, dtype)];
    },
  };
}

const where: Cfg = {
  name: 'Where',
  backend: 'cpu',
  run: ({ inputs: [c, a, b], backend }) => {
    const shape = broadcastShapes('where', broadcastShapes('where', c!.shape, a!.shape), b!.shape);
    const out = allocFor(a!.dtype, sizeOf(shape));
    const cv = backend.values(c!.dataId), av = backend.values(a!.dataId), bv = backend.values(b!.dataId);
    const st = [c!, a!, b!].map((t: TensorInfo) => broadcastStrides(t.shape, shape));
    walkBroadcast(shape, st, (i, [ic, ia, ib]) => {
      out[i] = cv[ic!] ? av[ia!]! : bv[ib!]!;
    });
    return [backend.out(out, shape, a!.dtype)];
  },
};

const cast: KernelConfig<'Cast', CpuBackend> = {
  name: 'Cast',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const v = backend.values(x!.dataId);
    const out = allocFor(attrs.dtype, v.length);
    // x ≠ 0, so NaN casts to true as in PyTorch (a plain truthiness test would give false).
    if (attrs.dtype === 'bool') for (let i = 0; i < v.length; i++) out[i] = v[i] !== 0 ? 1 : 0;
    else if (attrs.dtype === 'int32') for (let i = 0; i < v.length; i++) out[i] = Math.trunc(v[i]!);
    else out.set(v);
    return [backend.out(out, x!.shape, attrs.dtype)];
  },
};

export const elementwiseKernels: Cfg[] = [
  ...unary,
  ...BINARY_KERNELS.map((n) => binaryKernel(n)),
  ...COMPARE_KERNELS.map((n) => binaryKernel(n, 'bool')),
  where,
  cast as Cfg,
];
