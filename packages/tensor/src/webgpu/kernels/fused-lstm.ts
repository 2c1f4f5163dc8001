/**
 * Fused LSTM sequence on WebGPU (PyTorch gate order i, f, g, o); contract in kernel-names.ts.
 * Forward: one dispatch per step computes the four gate pre-activations (xProj[t] + h·W_hhᵀ, reading
 * W_hhᵀ packed once per call so the reads coalesce), the activations and the cell/hidden update. Backward: two dispatches per step, then one matmul for dW_hh.
 */
import { runProgram } from '../program.js';
import type { Cfg } from './common.js';
import { cloneState, MASK, packTransposed, r, scratch, seqDims, stepProgram, w, weightGradFromStates, WG } from './fused-common.js';

const forwardStep = stepProgram('lstm:fwd', 'LSTMSequence step',
  [r('xp'), r('wt'), MASK, w('hs'), w('c'), w('y'), w('gates'), w('cells')], `
  let G = 4u * H;
  let BH = B * H;
  let cur = (t % 2u) * BH + b * H;
  let xr = (t * B + b) * G;
  var ai = xp[xr + j]; var af = xp[xr + H + j]; var ag = xp[xr + 2u * H + j]; var ao = xp[xr + 3u * H + j];
  for (var k = 0u; k < H; k = k + 1u) {
    let hk = hs[cur + k];
    let wr = k * G + j;
    ai = ai + hk * wt[wr];
    af = af + hk * wt[wr + H];
    ag = ag + hk * wt[wr + 2u * H];
    ao = ao + hk * wt[wr + 3u * H];
  }
  let ig = stable_sigmoid(ai); let fg = stable_sigmoid(af); let gg = stable_tanh(ag); let og = stable_sigmoid(ao);
  gates[xr + j] = ig; gates[xr + H + j] = fg; gates[xr + 2u * H + j] = gg; gates[xr + 3u * H + j] = og;
  var cn = c[idx];
  var hn = hs[cur + j];
  let yr = (t * B + b) * H + j;
  if (step_on(t, b)) {
    cn = fg * cn + ig * gg;
    hn = og * stable_tanh(cn);
    y[yr] = hn;
  } else {
    y[yr] = 0.0;
  }
  c[idx] = cn;
  cells[yr] = cn;
  hs[((t + 1u) % 2u) * BH + idx] = hn;`);

const lstmSequence: Cfg = {
  name: 'LSTMSequence', backend: 'webgpu',
  run: ({ inputs, backend }) => {
    const [xProj, wHh, h0, c0, mask] = inputs;
    const op = 'LSTMSequence';
    const d = seqDims(op, xProj!, h0!);
    const { T, B, H } = d;
    const y = backend.makeOutput(op, [T, B, H], 'float32');
    const hN = backend.makeOutput(op, [B, H], 'float32');
    const cN = cloneState(backend, op, c0!);
    const gates = backend.makeOutput(op, [T, B, 4 * H], 'float32');
    const cells = backend.makeOutput(op, [T, B, H], 'float32');
    const hs = scratch(backend, op, [2, B, H]);
    const bh = B * H * 4;
    backend.copy(backend.buffer(h0!.dataId), 0, backend.buffer(hs.dataId), 0, bh);
    const wt = packTransposed(backend, op, wHh!, 4 * H, H);
    const bufs = [xProj!, wt, mask!, hs, cN, y, gates, cells].map((x) => backend.buffer(x.dataId));
    backend.encodeTogether(T);
    for (let t = 0; t < T; t++) {
      runProgram(backend, forwardStep, bufs, { size: B * H, B, H, t }, { threads: B * H, wg: WG });
    }
    backend.copy(backend.buffer(hs.dataId), (T % 2) * bh, backend.buffer(hN.dataId), 0, bh);
    backend.release(hs.dataId);
    backend.release(wt.dataId);
    return [y, hN, cN, gates, cells];
  },
};

// Gate gradients of step t (dz written into dx[t]) and the cell gradient carried to t-1.
const backwardGates = stepProgram('lstm:bwd-gates', 'LSTMSequenceGrad gates',
  [r('dy'), MASK, r('gates'), r('cells'), r('c0'), r('dh'), w('dc'), w('dx')], `
  let G = 4u * H;
  let gr = (t * B + b) * G;
  if (!step_on(t, b)) {
    dx[gr + j] = 0.0; dx[gr + H + j] = 0.0; dx[gr + 2u * H + j] = 0.0; dx[gr + 3u * H + j] = 0.0;
    return;
  }
  let yr = (t * B + b) * H + j;
  let ig = gates[gr + j]; let fg = gates[gr + H + j]; let gg = gates[gr + 2u * H + j]; let og = gates[gr + 3u * H + j];
  let tc = stable_tanh(cells[yr]);
  var cp = c0[idx];
  if (t > 0u) { cp = cells[yr - B * H]; }
  let dht = dh[idx] + dy[yr];
  let dct = dc[idx] + dht * og * (1.0 - tc * tc);
  dx[gr + j] = dct * gg * ig * (1.0 - ig);
  dx[gr + H + j] = dct * cp * fg * (1.0 - fg);
  dx[gr + 2u * H + j] = dct * ig * (1.0 - gg * gg);
  dx[gr + 3u * H + j] = dht * tc * og * (1.0 - og);
  dc[idx] = dct * fg;`);

/** dh_{t-1}[b,k] = Σ_n dz_t[b,n]·W_hh[n,k] on active rows; padded rows carry dh through. */
export function hiddenGradStep(key: string, gatesPerUnit: number, extra = ''): ReturnType<typeof stepProgram> {
  return stepProgram(key, `${key} dh`, [r('dz'), r('wh'), MASK, w('dh'), ...(extra ? [r('gates'), r('dy')] : [])], `
  if (!step_on(t, b)) { return; }
  let G = ${gatesPerUnit}u * H;
  let zr = (t * B + b) * G;
  var s = 0.0;
  for (var n = 0u; n < G; n = n + 1u) { s = s + dz[zr + n] * wh[n * H + j]; }
  ${extra || 'dh[idx] = s;'}`);
}

const backwardHidden = hiddenGradStep('lstm:bwd-dh', 4);

const lstmSequenceGrad: Cfg = {
  name: 'LSTMSequenceGrad', backend: 'webgpu',
  run: ({ inputs, backend }) => {
    const [dy, dhN, dcN, wHh, h0, c0, mask, gates, cells, y] = inputs;
    const op = 'LSTMSequenceGrad';
    const d = seqDims(op, dy!, h0!);
    const { T, B, H } = d;
    const dx = backend.makeOutput(op, [T, B, 4 * H], 'float32');
    const dh = cloneState(backend, op, dhN!);
    const dc = cloneState(backend, op, dcN!);
    const gateBufs = [dy!, mask!, gates!, cells!, c0!, dh, dc, dx].map((x) => backend.buffer(x.dataId));
    const hiddenBufs = [dx, wHh!, mask!, dh].map((x) => backend.buffer(x.dataId));
    backend.encodeTogether(2 * T);
    for (let t = T - 1; t >= 0; t--) {
      const u = { size: B * H, B, H, t };
      runProgram(backend, backwardGates, gateBufs, u, { threads: B * H, wg: WG });
      runProgram(backend, backwardHidden, hiddenBufs, u, { threads: B * H, wg: WG });
    }
    const dw = weightGradFromStates(backend, op, dx, y!, h0!, 4 * H, d);
    return [dx, dw, dh, dc];
  },
};

export const lstmKernels: Cfg[] = [lstmSequence, lstmSequenceGrad];
