/**
 * Fused Elman RNN sequence on WebGPU (tanh or relu); contract in kernel-names.ts. Forward: one
 * step dispatch per time step; backward: T + 1 step dispatches, then one matmul for dW_hh.
 * Step kernels: fused-step.ts (grid, staging), fused-common.ts (state layout).
 */
import type { Cfg } from './common.js';
import { cloneState, MASK, packedTransposed, r, scratch, seqDims, w, weightGradFromStates } from './fused-common.js';
import { bothRows, prevRows, runStep, stepProgram, stepRow, stepTile, type StepSpec } from './fused-step.js';

type Act = 'tanh' | 'relu';

const forwardSpec = (act: Act): StepSpec => ({
  key: `rnn:fwd:${act}`, label: `RNNSequence step (${act})`, gates: 1,
  slices: [{ name: 'xp', width: 'BH', rows: stepRow }, { name: 'mask', width: 'B', rows: stepRow }, { name: 'y', width: 'BH', rows: stepRow }],
  bindings: [r('xp'), r('wt'), MASK, w('hs'), w('y')],
  pre: '  let cur = (t % 2u) * BH;', K: 'H', acc: 'f32',
  load: 'v = hs[cur + b * H + k];',
  weights: 'wt[k * H + jc]',
  epilogue: `    let yr = t * BH + idx;
    let z = a + xp[yr];
    var h = hs[cur + idx];
    if (step_on(t, b)) {
      h = ${act === 'tanh' ? 'stable_tanh(z)' : 'select(select(0.0, z, z > 0.0), z, is_nan(z))'};
      y[yr] = h;
    } else {
      y[yr] = 0.0;
    }
    hs[BH - cur + idx] = h;`,
});

// Dispatch s (uniform t = s, from T down to 0): dh_{s-1} = dz_s·W_hh on rows active at s (padded
// rows carry dh), then step s-1's gradient dz = (dh + dy)·act' into dx[s-1]. dx[s] was written by
// the previous dispatch, so one dispatch per step suffices.
const backwardSpec = (act: Act): StepSpec => ({
  key: `rnn:bwd:${act}`, label: `RNNSequenceGrad step (${act})`, gates: 1,
  slices: [{ name: 'dy', width: 'BH', rows: prevRows }, { name: 'mask', width: 'B', rows: bothRows }, { name: 'y', width: 'BH', rows: prevRows },
    { name: 'dx', width: 'BH', rows: bothRows }],
  bindings: [r('dy'), MASK, r('y'), r('wh'), w('dh'), w('dx')],
  pre: '  let s = t;', K: 'select(0u, H, s < T)', acc: 'f32',
  load: 'v = dx[s * BH + b * H + k];',
  weights: 'wh[k * H + jc]',
  epilogue: `    var d = dh[idx];
    if (s < T && step_on(s, b)) { d = a; }
    dh[idx] = d;
    if (s == 0u) { continue; }
    let yr = (s - 1u) * BH + idx;
    if (!step_on(s - 1u, b)) { dx[yr] = 0.0; continue; }
    let h = y[yr];
    dx[yr] = (d + dy[yr]) * ${act === 'tanh' ? '(1.0 - h * h)' : 'select(0.0, 1.0, h > 0.0)'};`,
});

const actOf = (attrs: unknown): Act => ((attrs as { nonlinearity?: Act }).nonlinearity === 'relu' ? 'relu' : 'tanh');

const rnnSequence: Cfg = {
  name: 'RNNSequence', backend: 'webgpu',
  run: ({ inputs, attrs, backend }) => {
    const [xProj, wHh, h0, mask] = inputs;
    const op = 'RNNSequence';
    const d = seqDims(op, xProj!, h0!);
    const { T, B, H } = d;
    const y = backend.makeOutput(op, [T, B, H], 'float32');
    const hN = backend.makeOutput(op, [B, H], 'float32');
    const hs = scratch(backend, op, [2, B, H]);
    const bh = B * H * 4;
    backend.copy(backend.buffer(h0!.dataId), 0, backend.buffer(hs.dataId), 0, bh);
    const tile = stepTile(backend, B);
    const spec = forwardSpec(actOf(attrs));
    const prog = stepProgram(spec, tile);
    const wt = packedTransposed(backend, wHh!, H, H);
    const buf = (x: { dataId: object }) => backend.buffer(x.dataId);
    const bufs = [buf(xProj!), wt, buf(mask!), buf(hs), buf(y)];
    backend.encodeTogether(T);
    for (let t = 0; t < T; t++) runStep(backend, prog, spec, tile, bufs, d, t);
    backend.copy(backend.buffer(hs.dataId), (T % 2) * bh, backend.buffer(hN.dataId), 0, bh);
    backend.release(hs.dataId);
    return [y, hN];
  },
};

const rnnSequenceGrad: Cfg = {
  name: 'RNNSequenceGrad', backend: 'webgpu',
  run: ({ inputs, attrs, backend }) => {
    const [dy, dhN, wHh, h0, mask, y] = inputs;
    const op = 'RNNSequenceGrad';
    const d = seqDims(op, dy!, h0!);
    const { T, B, H } = d;
    const dx = backend.makeOutput(op, [T, B, H], 'float32');
    const dh = cloneState(backend, op, dhN!);
    const tile = stepTile(backend, B);
    const spec = backwardSpec(actOf(attrs));
    const prog = stepProgram(spec, tile);
    const bufs = [dy!, mask!, y!, wHh!, dh, dx].map((x) => backend.buffer(x.dataId));
    backend.encodeTogether(T + 1);
    for (let s = T; s >= 0; s--) runStep(backend, prog, spec, tile, bufs, d, s);
    return [dx, weightGradFromStates(backend, op, dx, y!, h0!, H, d), dh];
  },
};

export const rnnKernels: Cfg[] = [rnnSequence, rnnSequenceGrad];
