/**
 * The float32 `Dropout` override: the counter hash, mask and scale in WebAssembly SIMD, split across
 * the worker threads in blocks (each block starts its counters at its own offset, so any split gives
 * the reference kernel's bits).
 */
import type { KernelConfig } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { dropoutKernel, dropoutScalars } from '../dropout.js';
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
    try {
      const xp = rt.ref(v), op = rt.alloc(n);
      splitRows(rt, Math.ceil(n / BLOCK), n, (r0, r1, exec) => {
        const a = r0 * BLOCK, b = Math.min(n, r1 * BLOCK);
        exec('dropout', xp + a * 4, op + a * 4, b - a, seed | 0, (offset + a) | 0, keep, scaleBits);
      });
      return [args.backend.out(rt.output(op, n), x.shape, 'float32')];
    } finally {
      rt.release(mark);
    }
  },
}];
