/** The fused kernels' calls of `runFused` (fused-harness.ts), read back asynchronously (works on WebGPU). */
import { runKernel, scope, tensor, type DType, type Tensor } from '../../src/index.js';
import type { FusedRun } from '../fused-harness.js';
import { gatesOf, maskOf, type Case, type Cotangents } from '../fused-reference.js';

export async function runFusedAsync(c: Case, u: Cotangents, dtype: DType, maskDtype: DType = dtype): Promise<FusedRun> {
  const { T, B, H } = c;
  const G = gatesOf(c.kind) * H;
  const { out, grads, names } = scope(() => {
    const t = (v: number[], shape: number[]) => tensor(v, shape, dtype);
    const x = t(c.xProj, [T, B, G]), w = t(c.wHh, [G, H]), h0 = t(c.h0, [B, H]);
    const mask = tensor(maskOf(c), [T, B], maskDtype);
    const dy = t(u.dy, [T, B, H]), dhN = t(u.dhN, [B, H]);
    if (c.kind === 'lstm') {
      const c0 = t(c.c0, [B, H]);
      const o = runKernel('LSTMSequence', [x, w, h0, c0, mask]);
      const g = runKernel('LSTMSequenceGrad', [dy, dhN, t(u.dcN, [B, H]), w, h0, c0, mask, o[3]!, o[4]!, o[0]!]);
      return { out: o, grads: g, names: ['xProj', 'wHh', 'h0', 'c0'] };
    }
    if (c.kind === 'gru') {
      const o = runKernel('GRUSequence', [x, w, t(c.bHh, [G]), h0, mask]);
      const g = runKernel('GRUSequenceGrad', [dy, dhN, w, h0, mask, o[2]!, o[3]!, o[0]!]);
      return { out: o, grads: g, names: ['xProj', 'wHh', 'bHh', 'h0'] };
    }
    const attrs = { nonlinearity: c.kind.slice(4) };
    const o = runKernel('RNNSequence', [x, w, h0, mask], attrs);
    const g = runKernel('RNNSequenceGrad', [dy, dhN, w, h0, mask, o[0]!], attrs);
    return { out: o, grads: g, names: ['xProj', 'wHh', 'h0'] };
  });
  const read = async (ts: Tensor[]) => Promise.all(ts.map(async (v) => Float64Array.from(await v.data())));
  try {
    const forward = await read(out);
    const g = await read(grads);
    return { forward, grads: Object.fromEntries(names.map((n, i) => [n, g[i]!])) };
  } finally {
    for (const v of [...out, ...grads]) v.dispose();
  }
}
