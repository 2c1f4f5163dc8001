/**
 * The CPU `BatchMatMul` override: float32 products run in the WebAssembly SIMD gemm, with
 * subnormal inputs flushed to zero (as BLAS with FTZ/DAZ; x86 is ~100× slower on them); float64,
 * other dtypes, empty shapes and inputs with non-finite or huge values (|x| > 1e15, where float32
 * accumulation could overflow differently from the reference's float64 sums) take the JS path.
 */
import type { TensorInfo } from '../../backend.js';
import type { KernelArgs, KernelConfig } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { matmulKernels } from '../matmul.js';
import { jsOutput, kernelChunkBytes } from './chunks.js';
import { chunkedProduct, productBytes } from './gemm-chunked.js';
import { wasmRuntime, type WasmRuntime } from './runtime.js';
import { packedOperand } from './packed-cache.js';
import { parallelGemm } from './threads.js';

const reference = matmulKernels[0]!;
const LIMIT = 1e15;

/**
 * C [m×n] = op(A)·op(B) on arena pointers: A is m×k (or k×m when transA), B is k×n (or n×k when
 * transB). Packs B into `pb` unless `packed`.
 */
export function gemmPtr(
  rt: WasmRuntime, m: number, n: number, k: number, a: number, transA: boolean, b: number, transB: boolean,
  c: number, pb: number, packed = false,
): void {
  if (!packed) rt.x.packB(b, transB ? k : n, transB ? 1 : 0, k, n, pb);
  parallelGemm(rt, m, n, k, a, transA ? m : k, pb, c, n, false, transA);
}

function run(args: KernelArgs<'BatchMatMul', CpuBackend>): TensorInfo[] {
  const { inputs: [a, b], attrs, backend } = args;
  const rt = a!.dtype === 'float32' ? wasmRuntime() : null;
  const [ba, a1, a2] = a!.shape as [number, number, number];
  const [bb, b1, b2] = b!.shape as [number, number, number];
  const m = attrs.transposeA ? a2 : a1, k = attrs.transposeA ? a1 : a2, n = attrs.transposeB ? b1 : b2;
  if (!rt || m * n * k === 0) return reference.run(args as never);
  const batch = Math.max(ba, bb);
  if (batch * productBytes(m, n, k) > kernelChunkBytes()) return runChunked(args, rt, batch, m, n, k);
  const mark = rt.mark();
  try {
    const av = backend.values(a!.dataId), bv = backend.values(b!.dataId);
    const [ap, aMax] = rt.refChecked(av), [bp, bMax] = rt.refChecked(bv);
    if (!(aMax <= LIMIT && bMax <= LIMIT)) return reference.run(args as never);
    const pb = rt.alloc(rt.x.packedSize(k, n));
    const c = rt.alloc(batch * m * n);
    for (let i = 0; i < batch; i++) {
      const aOff = (ba === 1 ? 0 : i) * m * k * 4, bOff = (bb === 1 ? 0 : i) * k * n * 4;
      gemmPtr(rt, m, n, k, ap + aOff, attrs.transposeA, bp + bOff, attrs.transposeB, c + i * m * n * 4, pb, i > 0 && bb === 1);
    }
    return [backend.out(rt.output(c, batch * m * n), [batch, m, n], 'float32')];
  } finally {
    rt.release(mark);
  }
}

/** A product too large for the kernel memory in one piece: each batch item in blocks (gemm-chunked.ts). */
function runChunked(args: KernelArgs<'BatchMatMul', CpuBackend>, rt: WasmRuntime, batch: number, m: number, n: number, k: number): TensorInfo[] {
  const { inputs: [a, b], attrs, backend } = args;
  const av = backend.values(a!.dataId), bv = backend.values(b!.dataId);
  const ba = a!.shape[0]!, bb = b!.shape[0]!;
  const out = jsOutput(batch * m * n);
  for (let i = 0; i < batch; i++) {
    const aOff = (ba === 1 ? 0 : i) * m * k, bOff = (bb === 1 ? 0 : i) * k * n;
    const c = chunkedProduct(rt, {
      m, n, k, a: av.subarray(aOff, aOff + m * k), transA: attrs.transposeA, b: bv.subarray(bOff, bOff + k * n), transB: attrs.transposeB,
    }, LIMIT);
    if (!c) return reference.run(args as never);
    out.set(c, i * m * n);
  }
  return [backend.out(out, [batch, m, n], 'float32')];
}

/** `Linear` without WebAssembly, or for float64: the reference product, then the bias in one pass. */
function linearReference(backend: CpuBackend, x: TensorInfo, w: TensorInfo, b: TensorInfo): TensorInfo[] {
  const [m, k] = x.shape as [number, number];
  const n = w.shape[0]!;
  const as3 = (t: TensorInfo, shape: number[]): TensorInfo => ({ dataId: t.dataId, shape, dtype: t.dtype });
  const [prod] = reference.run({ inputs: [as3(x, [1, m, k]), as3(w, [1, n, k])], attrs: { transposeA: false, transposeB: true }, backend } as never);
  const y = backend.values(prod!.dataId), bv = backend.values(b.dataId);
  const out = y.constructor === Float32Array ? new Float32Array(m * n) : new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = y[i * n + j]! + bv[j]!;
  backend.release(prod!.dataId);
  return [backend.out(out, [m, n], x.dtype)];
}

/** y [m,n] = x [m,k]·wᵀ (w [n,k]) + b [n]: the bias rows are the gemm's starting C, accumulated onto. */
function runLinear(args: KernelArgs<'Linear', CpuBackend>): TensorInfo[] {
  const { inputs: [x, w, b], backend } = args;
  const rt = x!.dtype === 'float32' ? wasmRuntime() : null;
  const [m, k] = x!.shape as [number, number];
  const n = w!.shape[0]!;
  if (!rt || m * n * k === 0) return linearReference(backend, x!, w!, b!);
  if (productBytes(m, n, k) > kernelChunkBytes()) {
    const spec = { m, n, k, a: backend.values(x!.dataId), transA: false, b: backend.values(w!.dataId), transB: true, bias: backend.values(b!.dataId) };
    const y = chunkedProduct(rt, spec, LIMIT);
    return y ? [backend.out(y, [m, n], 'float32')] : linearReference(backend, x!, w!, b!);
  }
  const mark = rt.mark();
  try {
    const [xp, xMax] = rt.refChecked(backend.values(x!.dataId));
    const { p: pb, max: wMax } = packedOperand(rt, w!.dataId, `T${k}x${n}`, rt.x.packedSize(k, n), (dst) => {
      const [wp, max] = rt.refChecked(backend.values(w!.dataId));
      rt.x.packB(wp, k, 1, k, n, dst);
      return max;
    });
    if (!(xMax <= LIMIT && wMax <= LIMIT)) return linearReference(backend, x!, w!, b!);
    const c = rt.alloc(m * n);
    // The bias row is the product's starting C for every row (read in place, leading dimension 0).
    parallelGemm(rt, m, n, k, xp, k, pb, c, n, true, false, rt.ref(backend.values(b!.dataId)), 0);
    return [backend.out(rt.output(c, m * n), [m, n], 'float32')];
  } finally {
    rt.release(mark);
  }
}

export const wasmMatmulKernels: KernelConfig<string, CpuBackend>[] = [
  { name: 'BatchMatMul', backend: 'cpu', run: run as KernelConfig<string, CpuBackend>['run'] },
  { name: 'Linear', backend: 'cpu', run: runLinear as KernelConfig<string, CpuBackend>['run'] },
];
