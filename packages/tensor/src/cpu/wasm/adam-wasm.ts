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
    if (rt.shared) {
      // The new param and moments are written straight into blocks that become their storage; each
      // chunk is copied there just before the update runs on it in place (still in L2). A gradient
      // already in the memory (a product's output) is read where it is.
      const outs = [rt.alloc(n), rt.alloc(n), rt.alloc(n)] as const;
      const gIn = rt.holds(g!) ? g!.byteOffset : -1;
      const gp = gIn >= 0 ? 0 : rt.alloc(Math.min(CHUNK, n));
      for (let o = 0; o < n; o += CHUNK) {
        const len = Math.min(CHUNK, n - o), f = rt.f32();
        [p, m, v].forEach((a, i) => f.set(a!.subarray(o, o + len), (outs[i]! >> 2) + o));
        if (gIn < 0) f.set(g!.subarray(o, o + len), gp >> 2);
        rt.x.adamStep(outs[0] + o * 4, gIn >= 0 ? gIn + o * 4 : gp, outs[1] + o * 4, outs[2] + o * 4, len, ...scalars);
      }
      return outs.map((q) => backend.out(rt.output(q, n), shape, 'float32'));
    }
    const outs = [0, 1, 2].map(() => allocUninit('float32', n) as Float32Array);
    const c = Math.min(CHUNK, n);
    const pp = rt.alloc(c), gp = rt.alloc(c), mp = rt.alloc(c), vp = rt.alloc(c);
    for (let o = 0; o < n; o += CHUNK) {
      const len = Math.min(CHUNK, n - o);
      const f = rt.f32();
      f.set(p!.subarray(o, o + len), pp >> 2);
      f.set(g!.subarray(o, o + len), gp >> 2);
      f.set(m!.subarray(o, o + len), mp >> 2);
      f.set(v!.subarray(o, o + len), vp >> 2);
      rt.x.adamStep(pp, gp, mp, vp, len, ...scalars);
      [pp, mp, vp].forEach((q, i) => outs[i]!.set(f.subarray(q >> 2, (q >> 2) + len), o));
    }
    return outs.map((a) => backend.out(a, shape, 'float32'));
  } finally {
    rt.release(mark);
  }
}

export const wasmOptimKernels: KernelConfig<string, CpuBackend>[] = [
  { name: 'AdamUpdate', backend: 'cpu', run: ({ inputs, attrs, backend }) => run(backend, inputs, attrs as unknown as AdamUpdateAttrs) },
];
