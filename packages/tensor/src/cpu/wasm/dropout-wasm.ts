/**
 * The float32 `Dropout` override: the counter hash, mask and scale in WebAssembly SIMD, split across
 * the worker threads in blocks (each block starts its counters at its own offset, so any split gives
 * the reference kernel's bits).
 */
import type { KernelConfig } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { dropoutKernel, dropoutScalars } from '../dropout.js';
import { copyIn, jsOutput, kernelChunkBytes } from './chunks.js';
import { wasmRuntime } from './runtime.js';
import { splitRows } from './threads.js';

const BLOCK = 4096;
const f32Bits = (v: number) => new Int32Array(Float32Array.of(v).buffer)[0]!;

export const wasmDropoutKernels: KernelConfig<string, CpuBackend>[] = [{
  name: 'Dropout',
  backend: 'cpu',
  run: (args) => {
    const x = args.inputs[0]!;
    const rt = x.dtype === 'float32' ? wasmRuntime() : null;
    const v = args.backend.values(x.dataId);
    if (!rt || v.length === 0) return dropoutKernel.run(args as never);
    const { p, seed, offset } = args.attrs as { p: number; seed: number; offset: number };
    const { keepBelow, scale } = dropoutScalars(p, true);
    const keep = Math.ceil(keepBelow * 2 ** 24), scaleBits = f32Bits(scale);
    const n = v.length;
    const mark = rt.mark();
    // Blocks of `n` values from `at` (counters at offset + at, so any cut gives the same bits).
    const pass = (xp: number, op: number, at: number, len: number) => splitRows(rt, Math.ceil(len / BLOCK), len, (r0, r1, exec) => {
      const a = r0 * BLOCK, b = Math.min(len, r1 * BLOCK);
      exec('dropout', xp + a * 4, op + a * 4, b - a, seed | 0, (offset + at + a) | 0, keep, scaleBits);
    });
    try {
      if ((rt.holds(v) ? 4 : 8) * n <= kernelChunkBytes()) {
        const xp = rt.ref(v), op = rt.alloc(n);
        pass(xp, op, 0, n);
        return [args.backend.out(rt.output(op, n), x.shape, 'float32')];
      }
      // Too large for the kernel memory in one piece: chunks of whole blocks, output in JS memory.
      const len = Math.max(BLOCK, Math.floor(kernelChunkBytes() / 8 / BLOCK) * BLOCK);
      const xp = rt.alloc(len), op = rt.alloc(len), out = jsOutput(n), f = rt.f32();
      for (let at = 0; at < n; at += len) {
        const m = Math.min(len, n - at);
        copyIn(rt, xp, v, at, m);
        pass(xp, op, at, m);
        out.set(f.subarray(op >> 2, (op >> 2) + m), at);
      }
      return [args.backend.out(out, x.shape, 'float32')];
    } finally {
      rt.release(mark);
    }
  },
}];
