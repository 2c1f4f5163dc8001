/** Runs the fused kernels of the active (CPU) backend on a reference `Case`, by input/output name. */
import { outputList, runNamedKernel } from '../src/backend-entry.js';
import { scope, tensor, type DType, type Tensor } from '../src/index.js';
import { gatesOf, maskOf, type Case, type Cotangents } from './fused-reference.js';

export interface FusedRun {
  forward: Float64Array[];
  grads: Record<string, Float64Array>;
}

/** Forward outputs and the …Grad kernel's gradients for cotangents `u`, read back as float64. */
export function runFused(c: Case, u: Cotangents, dtype: DType): FusedRun {
  return scope((): FusedRun => {
    const { T, B, H } = c;
    const G = gatesOf(c.kind) * H;
    const t = (v: number[], shape: number[]) => tensor(v, shape, dtype);
    const xProj = t(c.xProj, [T, B, G]), wHh = t(c.wHh, [G, H]), h0 = t(c.h0, [B, H]);
    const mask = t(maskOf(c), [T, B]);
    const dy = t(u.dy, [T, B, H]), dhN = t(u.dhN, [B, H]);
    const read = (ts: Tensor[]) => ts.map((v) => Float64Array.from(v.dataSync()));
    const grads = (g: Record<string, Tensor>) => Object.fromEntries(Object.entries(g).map(([k, v]) => [k.slice(1, 2).toLowerCase() + k.slice(2), read([v])[0]!]));
    if (c.kind === 'lstm') {
      const c0 = t(c.c0, [B, H]);
      const out = runNamedKernel('LSTMSequence', { xProj, wHh, h0, c0, mask }, {});
      const g = runNamedKernel('LSTMSequenceGrad', { dy, dhN, dcN: t(u.dcN, [B, H]), wHh, h0, c0, mask, gates: out.gates, cells: out.cells, y: out.y }, {});
      return { forward: read(outputList('LSTMSequence', out)), grads: grads(g) };
    }
    if (c.kind === 'gru') {
      const out = runNamedKernel('GRUSequence', { xProj, wHh, bHh: t(c.bHh, [G]), h0, mask }, {});
      const g = runNamedKernel('GRUSequenceGrad', { dy, dhN, wHh, h0, mask, gates: out.gates, hLin: out.hLin, y: out.y }, {});
      return { forward: read(outputList('GRUSequence', out)), grads: grads(g) };
    }
    const attrs = { nonlinearity: c.kind === 'rnn-relu' ? 'relu' as const : 'tanh' as const };
    const out = runNamedKernel('RNNSequence', { xProj, wHh, h0, mask }, attrs);
    const g = runNamedKernel('RNNSequenceGrad', { dy, dhN, wHh, h0, mask, y: out.y }, attrs);
    return { forward: read(outputList('RNNSequence', out)), grads: grads(g) };
  });
}

/** Input fields that have a gradient for this kind. */
export function gradFields(c: Case): Array<'xProj' | 'wHh' | 'bHh' | 'h0' | 'c0'> {
  if (c.kind === 'lstm') return ['xProj', 'wHh', 'h0', 'c0'];
  if (c.kind === 'gru') return ['xProj', 'wHh', 'bHh', 'h0'];
  return ['xProj', 'wHh', 'h0'];
}
