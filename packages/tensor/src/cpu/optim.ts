/**
 * Fused optimizer kernels on the CPU: `AdamUpdate` walks the parameter once, where the composite
 * path ran about a dozen elementwise kernels, each allocating and walking a full-size temporary.
 *
 * float32 follows PyTorch 1.13's CPU kernels operation by operation, rounding after each one
 * (`Math.fround`), including the fused multiply-adds its vectorised `add_(x, alpha)` and
 * `addcmul_` compile to on x86-64 (AVX2): a·b + c with one rounding. The product of two float32
 * values is exact in float64, so `fround(a * b + c)` is that FMA up to a rare double rounding.
 * With these, three steps agree bit for bit with torch 1.13 on random data (see the tests).
 */
import type { TensorInfo } from '../backend.js';
import { adamScalars, type AdamScalars } from '../adam-scalars.js';
import type { AdamUpdateAttrs } from '../kernel-names.js';
import { defineKernel, type KernelConfig } from '../registry.js';
import type { CpuBackend } from './cpu-backend.js';

type F32 = Float32Array;
type F64 = Float64Array;

const fr = Math.fround;

/** One float32 Adam step; `vmax`/`vmaxOut` are null without amsgrad. */
function adamF32(s: AdamScalars, p: F32, g: F32, m: F32, v: F32, vmax: F32 | null, pOut: F32, mOut: F32, vOut: F32, vmaxOut: F32 | null): void {
  const b1 = fr(s.beta1), c1 = fr(s.c1), b2 = fr(s.beta2), c2 = fr(s.c2), bc2 = fr(s.bc2Sqrt);
  const eps = fr(s.eps), ns = fr(s.negStepSize), dm = fr(s.decayMul), l2 = fr(s.l2);
  const decoupled = s.decay === 'decoupled', coupled = s.decay === 'l2';
  for (let i = 0, n = p.length; i < n; i++) {
    let pi = p[i]!, gi = g[i]!;
    if (decoupled) pi = fr(pi * dm); // param.mul_(1 - lr * wd)
    else if (coupled) gi = fr(l2 * pi + gi); // grad.add(param, alpha=wd)
    const mi = fr(c1 * gi + fr(m[i]! * b1)); // exp_avg.mul_(b1).add_(grad, alpha=1-b1)
    const vi = fr(fr(c2 * gi) * gi + fr(v[i]! * b2)); // exp_avg_sq.mul_(b2).addcmul_(grad, grad, value=1-b2)
    let second = vi;
    if (vmaxOut) vmaxOut[i] = second = Math.max(vmax![i]!, vi); // NaN propagates, as torch.maximum
    const denom = fr(fr(fr(Math.sqrt(second)) / bc2) + eps); // (v.sqrt() / bc2_sqrt).add_(eps)
    pOut[i] = pi + fr(fr(ns * mi) / denom); // param.addcdiv_(exp_avg, denom, value=-step_size)
    mOut[i] = mi;
    vOut[i] = vi;
  }
}

/** The same step in float64 (no intermediate rounding). */
function adamF64(s: AdamScalars, p: F64, g: F64, m: F64, v: F64, vmax: F64 | null, pOut: F64, mOut: F64, vOut: F64, vmaxOut: F64 | null): void {
  const { beta1: b1, c1, beta2: b2, c2, bc2Sqrt: bc2, eps, negStepSize: ns, decayMul: dm, l2 } = s;
  const decoupled = s.decay === 'decoupled', coupled = s.decay === 'l2';
  for (let i = 0, n = p.length; i < n; i++) {
    let pi = p[i]!, gi = g[i]!;
    if (decoupled) pi *= dm;
    else if (coupled) gi += l2 * pi;
    const mi = c1 * gi + m[i]! * b1;
    const vi = c2 * gi * gi + v[i]! * b2;
    let second = vi;
    if (vmaxOut) vmaxOut[i] = second = Math.max(vmax![i]!, vi);
    pOut[i] = pi + (ns * mi) / (Math.sqrt(second) / bc2 + eps);
    mOut[i] = mi;
    vOut[i] = vi;
  }
}

/** in: param, grad, expAvg, expAvgSq[, maxExpAvgSq] → out: param, expAvg, expAvgSq[, maxExpAvgSq]. */
export function adamUpdateCpu(backend: CpuBackend, inputs: readonly TensorInfo[], attrs: AdamUpdateAttrs): TensorInfo[] {
  const { dtype, shape } = inputs[0]!;
  const n = inputs.length;
  const want = attrs.amsgrad ? 5 : 4;
  if (n !== want) throw new Error(`AdamUpdate: expected ${want} inputs (amsgrad ${attrs.amsgrad}), got ${n}`);
  if (dtype !== 'float32' && dtype !== 'float64') throw new Error(`AdamUpdate: expected float32 or float64, got ${dtype}`);
  const s = adamScalars(attrs);
  const Arr = dtype === 'float32' ? Float32Array : Float64Array;
  const [p, g, m, v, vmax] = inputs.map((t) => backend.values(t.dataId));
  const len = p!.length;
  const outs = Array.from({ length: n - 1 }, () => new Arr(len));
  const [pOut, mOut, vOut, vmaxOut] = outs;
  if (dtype === 'float32') {
    adamF32(s, p as F32, g as F32, m as F32, v as F32, (vmax ?? null) as F32 | null, pOut as F32, mOut as F32, vOut as F32, (vmaxOut ?? null) as F32 | null);
  } else {
    adamF64(s, p as F64, g as F64, m as F64, v as F64, (vmax ?? null) as F64 | null, pOut as F64, mOut as F64, vOut as F64, (vmaxOut ?? null) as F64 | null);
  }
  return outs.map((o) => backend.out(o, shape, dtype));
}

export const optimKernels: KernelConfig<string, CpuBackend>[] = [
  defineKernel<'AdamUpdate', CpuBackend>('AdamUpdate', 'cpu', ({ inputs, attrs, backend }) => adamUpdateCpu(backend, inputs, attrs)),
];
