/** Runs the fused kernels of the active (CPU) backend on a reference `Case`. */
import { runKernel, scope, tensor, type DType, type Tensor } from '../src/index.js';
import { gatesOf, maskOf, type Case, type Cotangents } from './fused-reference.js';

const FWD = { lstm: 'LSTMSequence', gru: 'GRUSequence', 'rnn-tanh': 'RNNSequence', 'rnn-relu': 'RNNSequence' };
const attrsOf = (c: Case) => (c.kind.startsWith('rnn') ? { nonlinearity: c.kind.slice(4) } : {});

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
    const x = t(c.xProj, [T, B, G]), w = t(c.wHh, [G, H]), h0 = t(c.h0, [B, H]);
    const mask = t(maskOf(c), [T, B]);
    const dy = t(u.dy, [T, B, H]), dhN = t(u.dhN, [B, H]);
    const read = (ts: Tensor[]) => ts.map((v) => Float64Array.from(v.dataSync()));
    if (c.kind === 'lstm') {
      const c0 = t(c.c0, [B, H]);
      const out = runKernel('LSTMSequence', [x, w, h0, c0, mask]);
      const [y, , , gates, cells] = out;
      const g = runKernel('LSTMSequenceGrad', [dy, dhN, t(u.dcN, [B, H]), w, h0, c0, mask, gates!, cells!, y!]);
      const [dx, dw, dh0, dc0] = read(g);
      return { forward: read(out), grads: { xProj: dx!, wHh: dw!, h0: dh0!, c0: dc0! } };
    }
    if (c.kind === 'gru') {
      const bHh = t(c.bHh, [G]);
      const out = runKernel('GRUSequence', [x, w, bHh, h0, mask]);
      const [y, , gates, hLin] = out;
      const g = runKernel('GRUSequenceGrad', [dy, dhN, w, h0, mask, gates!, hLin!, y!]);
      const [dx, dw, db, dh0] = read(g);
      return { forward: read(out), grads: { xProj: dx!, wHh: dw!, bHh: db!, h0: dh0! } };
    }
    const out = runKernel(FWD[c.kind], [x, w, h0, mask], attrsOf(c));
    const g = runKernel('RNNSequenceGrad', [dy, dhN, w, h0, mask, out[0]!], attrsOf(c));
    const [dx, dw, dh0] = read(g);
    return { forward: read(out), grads: { xProj: dx!, wHh: dw!, h0: dh0! } };
  });
}

/** Input fields that have a gradient for this kind. */
export function gradFields(c: Case): Array<'xProj' | 'wHh' | 'bHh' | 'h0' | 'c0'> {
  if (c.kind === 'lstm') return ['xProj', 'wHh', 'h0', 'c0'];
  if (c.kind === 'gru') return ['xProj', 'wHh', 'bHh', 'h0'];
  return ['xProj', 'wHh', 'h0'];
}
