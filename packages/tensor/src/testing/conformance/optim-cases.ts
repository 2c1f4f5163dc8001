/**
 * Conformance cases for the optional fused `AdamUpdate` kernel, run through `runKernel` so the
 * backend's kernel itself is tested (a backend without it lists 'AdamUpdate' in `skip`). The
 * reference is the PyTorch 1.13 formula in float64, written out here independently of the kernels.
 */
import { runKernel, scope } from '../../engine-api.js';
import type { AdamUpdateAttrs } from '../../kernel-names.js';
import { closeReport } from '../close.js';
import { BOUNDARY_SIZES, f32, wave, type ConformanceCase, type Tolerance } from './harness.js';

/** float32 kernels against the float64 formula: a few ulps on p, m, v. */
const ADAM_TOL: Tolerance = { atol: 1e-6, rtol: 1e-5 };

interface AdamInputs { p: Float32Array; g: Float32Array; m: Float32Array; v: Float32Array; vmax: Float32Array }

/** Non-uniform inputs; the moments are what a few earlier steps would leave (v, vmax ≥ 0). */
function inputs(n: number, zeroState: boolean): AdamInputs {
  const z = new Float32Array(n);
  return {
    p: wave(n, -2, 2, 0.1), g: wave(n, -1.5, 1.5, 0.7),
    m: zeroState ? z : wave(n, -0.3, 0.3, 1.3), v: zeroState ? z : wave(n, 0, 0.4, 2.1), vmax: zeroState ? z : wave(n, 0, 0.5, 2.9),
  };
}

/** PyTorch's `_single_tensor_adam` for one parameter, in float64. */
function adamRef(x: AdamInputs, a: AdamUpdateAttrs): Float64Array[] {
  const n = x.p.length;
  const out = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const stepSize = a.lr / (1 - Math.pow(a.beta1, a.step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(a.beta2, a.step));
  for (let i = 0; i < n; i++) {
    let p = x.p[i]!, g = x.g[i]!;
    if (a.decoupled) p = p * (1 - a.lr * a.weightDecay);
    else g = g + a.weightDecay * p;
    const m = a.beta1 * x.m[i]! + (1 - a.beta1) * g;
    const v = a.beta2 * x.v[i]! + (1 - a.beta2) * g * g;
    const vmax = Math.max(x.vmax[i]!, v);
    const denom = Math.sqrt(a.amsgrad ? vmax : v) / bc2Sqrt + a.eps;
    out[0]![i] = p - stepSize * (m / denom);
    out[1]![i] = m;
    out[2]![i] = v;
    out[3]![i] = vmax;
  }
  return a.amsgrad ? out : out.slice(0, 3);
}

const BASE: AdamUpdateAttrs = { lr: 0.05, beta1: 0.8, beta2: 0.9, eps: 1e-2, weightDecay: 0, decoupled: false, amsgrad: false, step: 3 };

const NAMES = ['param', 'expAvg', 'expAvgSq', 'maxExpAvgSq'];

function adamCase(title: string, n: number, attrs: Partial<AdamUpdateAttrs>, zeroState = false): ConformanceCase {
  return {
    kernel: 'AdamUpdate',
    title,
    run: async () => {
      const a = { ...BASE, ...attrs };
      const x = inputs(n, zeroState);
      const want = adamRef(x, a);
      const outs = scope(() => {
        const ins = [x.p, x.g, x.m, x.v, ...(a.amsgrad ? [x.vmax] : [])].map((v) => f32(v, [n]));
        return runKernel('AdamUpdate', ins, a);
      });
      try {
        if (outs.length !== want.length) throw new Error(`AdamUpdate ${title}: ${outs.length} outputs, expected ${want.length}`);
        for (let k = 0; k < outs.length; k++) {
          const t = outs[k]!;
          if (t.dtype !== 'float32' || t.shape.join() !== String(n)) throw new Error(`AdamUpdate ${title}: output ${k} is ${t.dtype} [${t.shape}]`);
          const r = closeReport(await t.data(), Float32Array.from(want[k]!), { ...ADAM_TOL, label: `AdamUpdate ${title} ${NAMES[k]}` }, [n]);
          if (!r.ok) throw new Error(r.message);
        }
      } finally {
        for (const t of outs) t.dispose();
      }
    },
  };
}

export function optimCases(): ConformanceCase[] {
  return [
    ...BOUNDARY_SIZES.map((n) => adamCase(`size ${n}`, n, {})),
    adamCase('first step from zero moments', 65, { step: 1 }, true),
    adamCase('L2 weight decay (Adam)', 257, { weightDecay: 0.1 }),
    adamCase('decoupled weight decay (AdamW)', 257, { weightDecay: 0.1, decoupled: true, step: 2 }),
    adamCase('amsgrad', 257, { amsgrad: true, step: 5 }),
    adamCase('AdamW with amsgrad, PyTorch defaults', 100, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, amsgrad: true, step: 7 }),
  ];
}
