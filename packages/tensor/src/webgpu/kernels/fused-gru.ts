/**
 * Fused GRU sequence on WebGPU (PyTorch r, z, n; reset applied to W_hn·h + b_hn); contract in
 * kernel-names.ts. Forward: one dispatch per step; backward: two per step, then one matmul for
 * dW_hh and one reduction for db_hh.
 */
import { runProgram } from '../program.js';
import type { Cfg } from './common.js';
import { hiddenGradStep } from './fused-lstm.js';
import { cloneState, MASK, packTransposed, previousStates, r, scratch, seqDims, stepProgram, w, weightGrad, WG } from './fused-common.js';
import { runReduce } from './reduce.js';

const forwardStep = stepProgram('gru:fwd', 'GRUSequence step',
  [r('xp'), r('wt'), r('bh'), MASK, w('hs'), w('y'), w('gates'), w('hlin')], `
  let G = 3u * H;
  let BH = B * H;
  let cur = (t % 2u) * BH + b * H;
  let xr = (t * B + b) * G;
  var hr = bh[j]; var hz = bh[H + j]; var hn = bh[2u * H + j];
  for (var k = 0u; k < H; k = k + 1u) {
    let hk = hs[cur + k];
    let wr = k * G + j;
    hr = hr + hk * wt[wr];
    hz = hz + hk * wt[wr + H];
    hn = hn + hk * wt[wr + 2u * H];
  }
  let rg = stable_sigmoid(xp[xr + j] + hr);
  let zg = stable_sigmoid(xp[xr + H + j] + hz);
  let ng = stable_tanh(xp[xr + 2u * H + j] + rg * hn);
  gates[xr + j] = rg; gates[xr + H + j] = zg; gates[xr + 2u * H + j] = ng;
  let yr = (t * B + b) * H + j;
  hlin[yr] = hn;
  var h = hs[cur + j];
  if (step_on(t, b)) {
    h = (1.0 - zg) * ng + zg * h;
    y[yr] = h;
  } else {
    y[yr] = 0.0;
  }
  hs[((t + 1u) % 2u) * BH + idx] = h;`);

const gruSequence: Cfg = {
  name: 'GRUSequence', backend: 'webgpu',
  run: ({ inputs, backend }) => {
    const [xProj, wHh, bHh, h0, mask] = inputs;
    const op = 'GRUSequence';
    const { T, B, H } = seqDims(op, xProj!, h0!);
    const y = backend.makeOutput(op, [T, B, H], 'float32');
    const hN = backend.makeOutput(op, [B, H], 'float32');
    const gates = backend.makeOutput(op, [T, B, 3 * H], 'float32');
    const hLin = backend.makeOutput(op, [T, B, H], 'float32');
    const hs = scratch(backend, op, [2, B, H]);
    const bh = B * H * 4;
    backend.copy(backend.buffer(h0!.dataId), 0, backend.buffer(hs.dataId), 0, bh);
    const wt = packTransposed(backend, op, wHh!, 3 * H, H);
    const bufs = [xProj!, wt, bHh!, mask!, hs, y, gates, hLin].map((x) => backend.buffer(x.dataId));
    backend.encodeTogether(T);
    for (let t = 0; t < T; t++) runProgram(backend, forwardStep, bufs, { size: B * H, B, H, t }, { threads: B * H, wg: WG });
    backend.copy(backend.buffer(hs.dataId), (T % 2) * bh, backend.buffer(hN.dataId), 0, bh);
    backend.release(hs.dataId);
    backend.release(wt.dataId);
    return [y, hN, gates, hLin];
  },
};

// dx[t] = (dr, dz, dn) pre-activation gradients; dhh[t] = the same with dn·r for the W_hh·h + b_hh side.
const backwardGates = stepProgram('gru:bwd-gates', 'GRUSequenceGrad gates',
  [r('dy'), MASK, r('gates'), r('hlin'), r('hprev'), r('dh'), w('dx'), w('dhh')], `
  let G = 3u * H;
  let gr = (t * B + b) * G;
  if (!step_on(t, b)) {
    dx[gr + j] = 0.0; dx[gr + H + j] = 0.0; dx[gr + 2u * H + j] = 0.0;
    dhh[gr + j] = 0.0; dhh[gr + H + j] = 0.0; dhh[gr + 2u * H + j] = 0.0;
    return;
  }
  let yr = (t * B + b) * H + j;
  let rg = gates[gr + j]; let zg = gates[gr + H + j]; let ng = gates[gr + 2u * H + j];
  let dht = dh[idx] + dy[yr];
  let dn = dht * (1.0 - zg) * (1.0 - ng * ng);
  let dr = dn * hlin[yr] * rg * (1.0 - rg);
  let dz = dht * (hprev[yr] - ng) * zg * (1.0 - zg);
  dx[gr + j] = dr; dx[gr + H + j] = dz; dx[gr + 2u * H + j] = dn;
  dhh[gr + j] = dr; dhh[gr + H + j] = dz; dhh[gr + 2u * H + j] = dn * rg;`);

// dh_{t-1} = dh_t·z (direct path) + dhh_t·W_hh.
const backwardHidden = hiddenGradStep('gru:bwd-dh', 3,
  'dh[idx] = (dh[idx] + dy[(t * B + b) * H + j]) * gates[zr + H + j] + s;');

const gruSequenceGrad: Cfg = {
  name: 'GRUSequenceGrad', backend: 'webgpu',
  run: ({ inputs, backend }) => {
    const [dy, dhN, wHh, h0, mask, gates, hLin, y] = inputs;
    const op = 'GRUSequenceGrad';
    const d = seqDims(op, dy!, h0!);
    const { T, B, H } = d;
    const G = 3 * H;
    const dx = backend.makeOutput(op, [T, B, G], 'float32');
    const dhh = scratch(backend, op, [T * B, G]);
    const dh = cloneState(backend, op, dhN!);
    const prev = T > 0 ? previousStates(backend, op, y!, h0!, d) : scratch(backend, op, [0, B, H]);
    const gateBufs = [dy!, mask!, gates!, hLin!, prev, dh, dx, dhh].map((x) => backend.buffer(x.dataId));
    const hiddenBufs = [dhh, wHh!, mask!, dh, gates!, dy!].map((x) => backend.buffer(x.dataId));
    backend.encodeTogether(2 * T);
    for (let t = T - 1; t >= 0; t--) {
      const u = { size: B * H, B, H, t };
      runProgram(backend, backwardGates, gateBufs, u, { threads: B * H, wg: WG });
      runProgram(backend, backwardHidden, hiddenBufs, u, { threads: B * H, wg: WG });
    }
    const dw = weightGrad(backend, op, dhh, prev, G, d);
    const db = runReduce(backend, op, 'sum', dhh, [0], [G], 'float32');
    backend.release(prev.dataId);
    backend.release(dhh.dataId);
    return [dx, dw, db, dh];
  },
};

export const gruKernels: Cfg[] = [gruSequence, gruSequenceGrad];
