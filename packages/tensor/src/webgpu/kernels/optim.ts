/**
 * Fused `AdamUpdate` on WebGPU: one thread per element, one dispatch per parameter (contract in
 * kernel-names.ts). Same operation order as the CPU kernel and PyTorch's vectorised CPU path,
 * multiply-adds as `fma`. Specialised on the decay mode and amsgrad; every scalar is a uniform.
 *
 * Bindings stay within WebGPU's default 8 storage buffers per stage: with amsgrad, the running
 * maximum is copied into its output first and updated in place (read_write), instead of binding
 * the old and the new maximum separately.
 */
import { adamScalars, type AdamDecay } from '../../adam-scalars.js';
import { WGSL_ELEMENTWISE_HELPERS } from '../../elementwise-table.js';
import type { AdamUpdateAttrs } from '../../kernel-names.js';
import { sizeOf } from '../../shape.js';
import { linearMain, runProgram, type Program, type StorageBinding } from '../program.js';
import type { Cfg } from './common.js';

const WG = 64;
const SCALARS = ['decayMul', 'l2', 'beta1', 'c1', 'beta2', 'c2', 'bc2Sqrt', 'negStepSize', 'eps'] as const;

const bind = (name: string, access: 'read' | 'read_write' = 'read'): StorageBinding => ({ name, type: 'f32', access });

function adamProgram(decay: AdamDecay, amsgrad: boolean): Program {
  const decayLine = decay === 'decoupled' ? '  pi = pi * u.decayMul;' : decay === 'l2' ? '  gi = fma(u.l2, pi, gi);' : '';
  return {
    key: `adam:${decay}:${amsgrad}`,
    label: `AdamUpdate (${decay}${amsgrad ? ', amsgrad' : ''})`,
    bindings: [
      bind('p'), bind('g'), bind('m'), bind('v'),
      bind('p_out', 'read_write'), bind('m_out', 'read_write'), bind('v_out', 'read_write'),
      ...(amsgrad ? [bind('vmax', 'read_write')] : []),
    ],
    uniforms: [{ name: 'size', type: 'u32' }, ...SCALARS.map((name) => ({ name, type: 'f32' as const }))],
    body: () => `${WGSL_ELEMENTWISE_HELPERS}
${linearMain(WG, `  var pi = p[idx];
  var gi = g[idx];
${decayLine}
  let mi = fma(u.c1, gi, m[idx] * u.beta1);
  let vi = fma(u.c2 * gi, gi, v[idx] * u.beta2);
${amsgrad ? '  let second = nan_max(vmax[idx], vi);\n  vmax[idx] = second;' : '  let second = vi;'}
  let denom = safe_sqrt(second) / u.bc2Sqrt + u.eps;
  p_out[idx] = pi + (u.negStepSize * mi) / denom;
  m_out[idx] = mi;
  v_out[idx] = vi;`)}`,
  };
}

const adamUpdate: Cfg = {
  name: 'AdamUpdate', backend: 'webgpu',
  run: ({ inputs, attrs, backend }) => {
    const a = attrs as unknown as AdamUpdateAttrs;
    const op = 'AdamUpdate';
    const want = a.amsgrad ? 5 : 4;
    if (inputs.length !== want) throw new Error(`webgpu: ${op}: expected ${want} inputs (amsgrad ${a.amsgrad}), got ${inputs.length}`);
    for (const t of inputs) {
      if (t.dtype !== 'float32') throw new Error(`webgpu: ${op}: inputs must be float32 on WebGPU, got ${t.dtype}`);
    }
    const { shape } = inputs[0]!;
    const size = sizeOf(shape);
    const outs = inputs.slice(0, want - 1).map(() => backend.makeOutput(op, shape, 'float32'));
    if (a.amsgrad) backend.copy(backend.buffer(inputs[4]!.dataId), 0, backend.buffer(outs[3]!.dataId), 0, size * 4);
    const s = adamScalars(a);
    const uniforms: Record<string, number> = { size };
    for (const k of SCALARS) uniforms[k] = s[k];
    const buffers = [...inputs.slice(0, 4), ...outs].map((t) => backend.buffer(t.dataId));
    runProgram(backend, adamProgram(s.decay, a.amsgrad), buffers, uniforms, { threads: size, wg: WG });
    return outs;
  },
};

export const optimKernels: Cfg[] = [adamUpdate];
