/**
 * Fused Elman RNN sequence on WebGPU (tanh or relu); contract in kernel-names.ts. Forward: one
 * dispatch per step; backward: two per step, then one matmul for dW_hh.
 */
import { runProgram } from '../program.js';
import type { Cfg } from './common.js';
import { hiddenGradStep } from './fused-lstm.js';
import { cloneState, MASK, packTransposed, r, scratch, seqDims, stepProgram, w, weightGradFromStates, WG } from './fused-common.js';

type Act = 'tanh' | 'relu';

const forwardStep = (act: Act) => stepProgram(`rnn:fwd:${act}`, `RNNSequence step (${act})`,
  [r('xp'), r('wt'), MASK, w('hs'), w('y')], `
  let BH = B * H;
  let cur = (t % 2u) * BH + b * H;
  let yr = (t * B + b) * H + j;
  var a = xp[yr];
  for (var k = 0u; k < H; k = k + 1u) { a = a + hs[cur + k] * wt[k * H + j]; }
  var h = hs[cur + j];
  if (step_on(t, b)) {
    h = ${act === 'tanh' ? 'stable_tanh(a)' : 'select(select(0.0, a, a > 0.0), a, is_nan(a))'};
    y[yr] = h;
  } else {
    y[yr] = 0.0;
  }
  hs[((t + 1u) % 2u) * BH + idx] = h;`);

const backwardGates = (act: Act) => stepProgram(`rnn:bwd-gates:${act}`, `RNNSequenceGrad (${act})`,
  [r('dy'), MASK, r('y'), r('dh'), w('dx')], `
  let yr = (t * B + b) * H + j;
  if (!step_on(t, b)) { dx[yr] = 0.0; return; }
  let h = y[yr];
  dx[yr] = (dh[idx] + dy[yr]) * ${act === 'tanh' ? '(1.0 - h * h)' : 'select(0.0, 1.0, h > 0.0)'};`);

const backwardHidden = hiddenGradStep('rnn:bwd-dh', 1);

const actOf = (attrs: unknown): Act => ((attrs as { nonlinearity?: Act }).nonlinearity === 'relu' ? 'relu' : 'tanh');

const rnnSequence: Cfg = {
  name: 'RNNSequence', backend: 'webgpu',
  run: ({ inputs, attrs, backend }) => {
    const [xProj, wHh, h0, mask] = inputs;
    const op = 'RNNSequence';
    const { T, B, H } = seqDims(op, xProj!, h0!);
    const y = backend.makeOutput(op, [T, B, H], 'float32');
    const hN = backend.makeOutput(op, [B, H], 'float32');
    const hs = scratch(backend, op, [2, B, H]);
    const bh = B * H * 4;
    backend.copy(backend.buffer(h0!.dataId), 0, backend.buffer(hs.dataId), 0, bh);
    const prog = forwardStep(actOf(attrs));
    const wt = packTransposed(backend, op, wHh!, H, H);
    const bufs = [xProj!, wt, mask!, hs, y].map((x) => backend.buffer(x.dataId));
    backend.encodeTogether(T);
    for (let t = 0; t < T; t++) runProgram(backend, prog, bufs, { size: B * H, B, H, t }, { threads: B * H, wg: WG });
    backend.copy(backend.buffer(hs.dataId), (T % 2) * bh, backend.buffer(hN.dataId), 0, bh);
    backend.release(hs.dataId);
    backend.release(wt.dataId);
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
    const gates = backwardGates(actOf(attrs));
    const gateBufs = [dy!, mask!, y!, dh, dx].map((x) => backend.buffer(x.dataId));
    const hiddenBufs = [dx, wHh!, mask!, dh].map((x) => backend.buffer(x.dataId));
    backend.encodeTogether(2 * T);
    for (let t = T - 1; t >= 0; t--) {
      const u = { size: B * H, B, H, t };
      runProgram(backend, gates, gateBufs, u, { threads: B * H, wg: WG });
      runProgram(backend, backwardHidden, hiddenBufs, u, { threads: B * H, wg: WG });
    }
    return [dx, weightGradFromStates(backend, op, dx, y!, h0!, H, d), dh];
  },
};

export const rnnKernels: Cfg[] = [rnnSequence, rnnSequenceGrad];
