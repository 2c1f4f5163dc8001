/**
 * Fused GRU sequence on WebGPU (PyTorch r, z, n; reset applied to W_hn·h + b_hn); contract in
 * kernel-names.ts. Forward: one step dispatch per time step; backward: T + 1 step dispatches,
 * then one elementwise dispatch (the W_hh-side gradients), one matmul for dW_hh and one reduction
 * for db_hh. Step kernels: fused-step.ts.
 */
import type { TensorInfo } from '../../backend.js';
import { linearMain, runProgram, type Program } from '../program.js';
import type { Cfg } from './common.js';
import { cloneState, MASK, packedTransposed, previousStates, r, scratch, seqDims, w, weightGrad, WG } from './fused-common.js';
import { bothRows, prevRows, runStep, stepProgram, stepRow, stepTile, type StepSpec } from './fused-step.js';
import { runReduce } from './reduce.js';

const forwardSpec: StepSpec = {
  key: 'gru:fwd', label: 'GRUSequence step', gates: 3,
  slices: [{ name: 'xp', width: 'BG', rows: stepRow }, { name: 'mask', width: 'B', rows: stepRow }, { name: 'y', width: 'BH', rows: stepRow },
    { name: 'gates', width: 'BG', rows: stepRow }, { name: 'hlin', width: 'BH', rows: stepRow }],
  bindings: [r('xp'), r('wt'), r('bh'), MASK, w('hs'), w('y'), w('gates'), w('hlin')],
  pre: '  let G = 3u * H;\n  let cur = (t % 2u) * BH;', K: 'H', acc: 'vec3<f32>',
  load: 'v = hs[cur + b * H + k];',
  weights: 'vec3<f32>(wt[k * G + jc], wt[k * G + H + jc], wt[k * G + 2u * H + jc])',
  epilogue: `    let xr = (t * B + b) * G;
    let hr = a.x + bh[j]; let hz = a.y + bh[H + j]; let hn = a.z + bh[2u * H + j];
    let rg = stable_sigmoid(xp[xr + j] + hr);
    let zg = stable_sigmoid(xp[xr + H + j] + hz);
    let ng = stable_tanh(xp[xr + 2u * H + j] + rg * hn);
    gates[xr + j] = rg; gates[xr + H + j] = zg; gates[xr + 2u * H + j] = ng;
    let yr = t * BH + idx;
    hlin[yr] = hn;
    var h = hs[cur + idx];
    if (step_on(t, b)) {
      h = (1.0 - zg) * ng + zg * h;
      y[yr] = h;
    } else {
      y[yr] = 0.0;
    }
    hs[BH - cur + idx] = h;`,
};

const gruSequence: Cfg = {
  name: 'GRUSequence', backend: 'webgpu',
  run: ({ inputs, backend }) => {
    const [xProj, wHh, bHh, h0, mask] = inputs;
    const op = 'GRUSequence';
    const d = seqDims(op, xProj!, h0!);
    const { T, B, H } = d;
    const y = backend.makeOutput(op, [T, B, H], 'float32');
    const hN = backend.makeOutput(op, [B, H], 'float32');
    const gates = backend.makeOutput(op, [T, B, 3 * H], 'float32');
    const hLin = backend.makeOutput(op, [T, B, H], 'float32');
    const hs = scratch(backend, op, [2, B, H]);
    const bh = B * H * 4;
    backend.copy(backend.buffer(h0!.dataId), 0, backend.buffer(hs.dataId), 0, bh);
    const tile = stepTile(backend, B);
    const prog = stepProgram(forwardSpec, tile);
    const buf = (x: TensorInfo) => backend.buffer(x.dataId);
    const bufs = [buf(xProj!), packedTransposed(backend, wHh!, 3 * H, H), buf(bHh!), buf(mask!), buf(hs), buf(y), buf(gates), buf(hLin)];
    backend.encodeTogether(T);
    for (let t = 0; t < T; t++) runStep(backend, prog, forwardSpec, tile, bufs, d, t);
    backend.copy(backend.buffer(hs.dataId), (T % 2) * bh, backend.buffer(hN.dataId), 0, bh);
    backend.release(hs.dataId);
    return [y, hN, gates, hLin];
  },
};

// Dispatch s (uniform t = s, T down to 0): dh_{s-1} = (dh + dy_s)·z_s + dhh_s·W_hh on rows active
// at s, where dhh_s = dx[s] with its n part times r (staged that way, so dhh needs no per-step
// buffer); then step s-1's pre-activation gradients (dr, dz, dn) into dx[s-1].
const backwardSpec: StepSpec = {
  key: 'gru:bwd', label: 'GRUSequenceGrad step', gates: 3,
  slices: [{ name: 'dy', width: 'BH', rows: bothRows }, { name: 'mask', width: 'B', rows: bothRows }, { name: 'gates', width: 'BG', rows: bothRows },
    { name: 'hlin', width: 'BH', rows: prevRows }, { name: 'hprev', width: 'BH', rows: prevRows }, { name: 'dx', width: 'BG', rows: bothRows }],
  bindings: [r('dy'), MASK, r('gates'), r('hlin'), r('hprev'), r('wh'), w('dh'), w('dx')],
  pre: '  let G = 3u * H;\n  let s = t;', K: 'select(0u, G, s < T)', acc: 'f32',
  load: 'let q = (s * B + b) * G + k;\n        v = dx[q];\n        if (k >= 2u * H) { v = v * gates[q - 2u * H]; }',
  weights: 'wh[k * H + jc]',
  epilogue: `    var d = dh[idx];
    if (s < T && step_on(s, b)) { d = (d + dy[s * BH + idx]) * gates[(s * B + b) * G + H + j] + a; }
    dh[idx] = d;
    if (s == 0u) { continue; }
    let tt = s - 1u;
    let gr = (tt * B + b) * G;
    if (!step_on(tt, b)) { dx[gr + j] = 0.0; dx[gr + H + j] = 0.0; dx[gr + 2u * H + j] = 0.0; continue; }
    let yr = tt * BH + idx;
    let rg = gates[gr + j]; let zg = gates[gr + H + j]; let ng = gates[gr + 2u * H + j];
    let dht = d + dy[yr];
    let dn = dht * (1.0 - zg) * (1.0 - ng * ng);
    dx[gr + j] = dn * hlin[yr] * rg * (1.0 - rg);
    dx[gr + H + j] = dht * (hprev[yr] - ng) * zg * (1.0 - zg);
    dx[gr + 2u * H + j] = dn;`,
};

// dhh = dx with the n part times r (the gradient of W_hh·h + b_hh), for dW_hh and db_hh.
const hiddenSideProgram: Program = {
  key: 'gru:dhh', label: 'GRUSequenceGrad W_hh side', bindings: [r('dx'), r('gates'), w('dhh')],
  uniforms: [{ name: 'size', type: 'u32' }, { name: 'H', type: 'u32' }],
  body: () => linearMain(WG, `  var v = dx[idx];
  if (idx % (3u * u.H) >= 2u * u.H) { v = v * gates[idx - 2u * u.H]; }
  dhh[idx] = v;`),
};

const gruSequenceGrad: Cfg = {
  name: 'GRUSequenceGrad', backend: 'webgpu',
  run: ({ inputs, backend }) => {
    const [dy, dhN, wHh, h0, mask, gates, hLin, y] = inputs;
    const op = 'GRUSequenceGrad';
    const d = seqDims(op, dy!, h0!);
    const { T, B, H } = d;
    const G = 3 * H;
    const dx = backend.makeOutput(op, [T, B, G], 'float32');
    const dh = cloneState(backend, op, dhN!);
    const prev = T > 0 ? previousStates(backend, op, y!, h0!, d) : scratch(backend, op, [0, B, H]);
    const tile = stepTile(backend, B);
    const prog = stepProgram(backwardSpec, tile);
    const bufs = [dy!, mask!, gates!, hLin!, prev, wHh!, dh, dx].map((x) => backend.buffer(x.dataId));
    backend.encodeTogether(T + 1);
    for (let s = T; s >= 0; s--) runStep(backend, prog, backwardSpec, tile, bufs, d, s);
    const dhh = scratch(backend, op, [T * B, G]);
    runProgram(backend, hiddenSideProgram, [dx, gates!, dhh].map((x) => backend.buffer(x.dataId)), { size: T * B * G, H }, { threads: T * B * G, wg: WG });
    const dw = weightGrad(backend, op, dhh, prev, G, d);
    const db = runReduce(backend, op, 'sum', dhh, [0], [G], 'float32');
    backend.release(prev.dataId);
    backend.release(dhh.dataId);
    return [dx, dw, db, dh];
  },
};

export const gruKernels: Cfg[] = [gruSequence, gruSequenceGrad];
