/**
 * The float32 `AdamUpdate` override: one SIMD pass in WebAssembly (assembly/optim.ts) with the
 * same roundings as the JS kernel (src/cpu/optim.ts), so results are identical bit for bit; the
 * JS kernel still runs amsgrad, float64 and runs without WebAssembly.
 */
import type { TensorInfo } from '../../backend.js';
import { adamScalars } from '../../adam-scalars.js';
import { allocUninit } from '../../dtype.js';
import type { AdamUpdateAttrs } from '../../kernel-names.js';
import type { KernelConfig } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { adamUpdateCpu } from '../optim.js';
import { wasmRuntime } from './runtime.js';

const MODE = { none: 0, l2: 1, decoupled: 2 } as const;

// Elements per pass: the four input chunks and three output chunks (~450 KiB) stay in L2, so each
// array crosses main memory once (read, or written) instead of three times (copy in, update, copy out).
const CHUNK = 16384;

function run(backend: CpuBackend, inputs: readonly TensorInfo[], attrs: AdamUpdateAttrs): TensorInfo[] {
  const rt = inputs[0]!.dtype === 'float32' && !attrs.amsgrad && inputs.length === 4 ? wasmRuntime() : null;
  if (!rt) return adamUpdateCpu(backend, inputs, attrs);
  const { shape } = inputs[0]!;
  const s = adamScalars(attrs);
  const [p, g, m, v] = inputs.map((t) => backend.values(t.dataId)) as Float32Array[];
  const n = p!.length;
  const scalars = [MODE[s.decay], s.beta1, s.c1, s.beta2, s.c2, s.bc2Sqrt, s.eps, s.negStepSize, s.decayMul, s.l2] as const;
  const mark = rt.mark();
  try {
    // Chunk by chunk, p, m and v are copied to where the update then runs in place while they are in
    // L2: straight into the blocks that become the new tensors' storage (shared memory), else into
    // chunk-sized scratch copied out after each pass. A gradient already resident is read in place.
    const resident = rt.shared;
    const c = Math.min(CHUNK, n);
    const blocks = [0, 1, 2].map(() => rt.alloc(resident ? n : c));
    const jsOuts = resident ? [] : [0, 1, 2].map(() => allocUninit('float32', n) as Float32Array);
    const gIn = rt.holds(g!) ? g!.byteOffset : -1;
    const gp = gIn >= 0 ? 0 : rt.alloc(c);
    for (let o = 0; o < n; o += CHUNK) {
      const len = Math.min(CHUNK, n - o), f = rt.f32();
      const at = blocks.map((q) => (resident ? q + o * 4 : q));
      [p, m, v].forEach((a, i) => f.set(a!.subarray(o, o + len), at[i]! >> 2));
      if (gIn < 0) f.set(g!.subarray(o, o + len), gp >> 2);
      rt.x.adamStep(at[0]!, gIn >= 0 ? gIn + o * 4 : gp, at[1]!, at[2]!, len, ...scalars);
      jsOuts.forEach((out, i) => out.set(f.subarray(at[i]! >> 2, (at[i]! >> 2) + len), o));
    }
    const outs = resident ? blocks.map((q) => rt.output(q, n)) : jsOuts;
    return outs.map((a) => backend.out(a, shape, 'float32'));
  } finally {
    rt.release(mark);
  }
}

export const wasmOptimKernels: KernelConfig<string, CpuBackend>[] = [
  { name: 'AdamUpdate', backend: 'cpu', run: ({ inputs, attrs, backend }) => run(backend, inputs, attrs as unknown as AdamUpdateAttrs) },
];
