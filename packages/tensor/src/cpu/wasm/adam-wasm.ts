/**
 * The float32 `AdamUpdate` override: one SIMD pass in WebAssembly (assembly/optim.ts) with the
 * same roundings as the JS kernel (src/cpu/optim.ts), so results are identical bit for bit; the
 * JS kernel still runs amsgrad, float64 and runs without WebAssembly.
 */
import type { TensorInfo } from '../../backend.js';
import { adamScalars } from '../../adam-scalars.js';
import type { AdamUpdateAttrs } from '../../kernel-names.js';
import type { KernelConfig } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { adamUpdateCpu } from '../optim.js';
import { wasmRuntime } from './runtime.js';

const MODE = { none: 0, l2: 1, decoupled: 2 } as const;

function run(backend: CpuBackend, inputs: readonly TensorInfo[], attrs: AdamUpdateAttrs): TensorInfo[] {
  const rt = inputs[0]!.dtype === 'float32' && !attrs.amsgrad && inputs.length === 4 ? wasmRuntime() : null;
  if (!rt) return adamUpdateCpu(backend, inputs, attrs);
  const { shape } = inputs[0]!;
  const s = adamScalars(attrs);
  const [p, g, m, v] = inputs.map((t) => backend.values(t.dataId));
  const n = p!.length;
  const mark = rt.mark();
  try {
    const pp = rt.put(p!), gp = rt.put(g!), mp = rt.put(m!), vp = rt.put(v!);
    rt.x.adamStep(pp, gp, mp, vp, n, MODE[s.decay], s.beta1, s.c1, s.beta2, s.c2, s.bc2Sqrt, s.eps, s.negStepSize, s.decayMul, s.l2);
    return [pp, mp, vp].map((q) => backend.out(rt.take(q, n), shape, 'float32'));
  } finally {
    rt.release(mark);
  }
}

export const wasmOptimKernels: KernelConfig<string, CpuBackend>[] = [
  { name: 'AdamUpdate', backend: 'cpu', run: ({ inputs, attrs, backend }) => run(backend, inputs, attrs as unknown as AdamUpdateAttrs) },
];
