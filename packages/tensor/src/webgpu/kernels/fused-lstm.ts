/**
 * Fused LSTM sequence on WebGPU (PyTorch gate order i, f, g, o); contract in kernel-names.ts.
 * Forward: one step dispatch per time step computes the four gate pre-activations (h·W_hhᵀ from
 * the packed, cached W_hhᵀ + xProj[t]), the activations and the cell/hidden update. Backward:
 * T + 1 step dispatches (each: dh from the next step's dz, then this step's dz), then one matmul
 * for dW_hh. Step kernels: fused-step.ts.
 */
import type { TensorInfo } from '../../backend.js';
import type { Cfg } from './common.js';
import { cloneState, MASK, packedTransposed, r, scratch, seqDims, w, weightGradFromStates } from './fused-common.js';
import { bothRows, prevRows, runStep, stepProgram, stepRow, stepTile, type StepSpec } from './fused-step.js';

const forwardSpec: StepSpec = {
  key: 'lstm:fwd', label: 'LSTMSequence step', gates: 4,
  slices: [{ name: 'xp', width: 'BG', rows: stepRow }, { name: 'mask', width: 'B', rows: stepRow }, { name: 'y', width: 'BH', rows: stepRow },
    { name: 'gates', width: 'BG', rows: stepRow }, { name: 'cells', width: 'BH', rows: stepRow }],
  bindings: [r('xp'), r('wt'), MASK, w('hs'), w('c'), w('y'), w('gates'), w('cells')],
  pre: '  let G = 4u * H;\n  let cur = (t % 2u) * BH;', K: 'H', acc: 'vec4<f32>',
  load: 'v = hs[cur + b * H + k];',
  weights: 'vec4<f32>(wt[k * G + jc], wt[k * G + H + jc], wt[k * G + 2u * H + jc], wt[k * G + 3u * H + jc])',
  epilogue: `    let xr = (t * B + b) * G;
    let z = a + vec4<f32>(xp[xr + j], xp[xr + H + j], xp[xr + 2u * H + j], xp[xr + 3u * H + j]);
    let ig = stable_sigmoid(z.x); let fg = stable_sigmoid(z.y); let gg = stable_tanh(z.z); let og = stable_sigmoid(z.w);
    gates[xr + j] = ig; gates[xr + H + j] = fg; gates[xr + 2u * H + j] = gg; gates[xr + 3u * H + j] = og;
    var cn = c[idx];
    var hn = hs[cur + idx];
    let yr = t * BH + idx;
    if (step_on(t, b)) {
      cn = fg * cn + ig * gg;
      hn = og * stable_tanh(cn);
      y[yr] = hn;
    } else {
      y[yr] = 0.0;
    }
    c[idx] = cn;
    cells[yr] = cn;
    hs[BH - cur + idx] = hn;`,
};

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
    const tile = stepTile(backend, B);
    const prog = stepProgram(forwardSpec, tile);
    const buf = (x: TensorInfo) => backend.buffer(x.dataId);
    const bufs = [buf(xProj!), packedTransposed(backend, wHh!, 4 * H, H), buf(mask!), buf(hs), buf(cN), buf(y), buf(gates), buf(cells)];
    backend.encodeTogether(T);
    for (let t = 0; t < T; t++) runStep(backend, prog, forwardSpec, tile, bufs, d, t);
    backend.copy(backend.buffer(hs.dataId), (T % 2) * bh, backend.buffer(hN.dataId), 0, bh);
    backend.release(hs.dataId);
    return [y, hN, cN, gates, cells];
  },
};

// Dispatch s (uniform t = s, from T down to 0). st = [dh | dc], [2,B,H] (one binding: WebGPU's
// default allows 8 storage buffers per stage). dh_{s-1} = dz_s·W_hh on rows active at s (padded
// rows carry it); then step s-1's gate gradients into dx[s-1] and the cell gradient carried back.
const backwardSpec: StepSpec = {
  key: 'lstm:bwd', label: 'LSTMSequenceGrad step', gates: 4,
  slices: [{ name: 'dy', width: 'BH', rows: prevRows }, { name: 'mask', width: 'B', rows: bothRows }, { name: 'gates', width: 'BG', rows: prevRows },
    { name: 'cells', width: 'BH', rows: (s) => [s - 2, s] }, { name: 'dx', width: 'BG', rows: bothRows }],
  bindings: [r('dy'), MASK, r('gates'), r('cells'), r('c0'), r('wh'), w('st'), w('dx')],
  pre: '  let G = 4u * H;\n  let s = t;', K: 'select(0u, G, s < T)', acc: 'f32',
  load: 'v = dx[(s * B + b) * G + k];',
  weights: 'wh[k * H + jc]',
  epilogue: `    var dh = st[idx];
    if (s < T && step_on(s, b)) { dh = a; }
    st[idx] = dh;
    if (s == 0u) { continue; }
    let tt = s - 1u;
    let gr = (tt * B + b) * G;
    if (!step_on(tt, b)) {
      dx[gr + j] = 0.0; dx[gr + H + j] = 0.0; dx[gr + 2u * H + j] = 0.0; dx[gr + 3u * H + j] = 0.0;
      continue;
    }
    let yr = tt * BH + idx;
    let ig = gates[gr + j]; let fg = gates[gr + H + j]; let gg = gates[gr + 2u * H + j]; let og = gates[gr + 3u * H + j];
    let tc = stable_tanh(cells[yr]);
    var cp = c0[idx];
    if (tt > 0u) { cp = cells[yr - BH]; }
    let dht = dh + dy[yr];
    let dct = st[BH + idx] + dht * og * (1.0 - tc * tc);
    dx[gr + j] = dct * gg * ig * (1.0 - ig);
    dx[gr + H + j] = dct * cp * fg * (1.0 - fg);
    dx[gr + 2u * H + j] = dct * ig * (1.0 - gg * gg);
    dx[gr + 3u * H + j] = dht * tc * og * (1.0 - og);
    st[BH + idx] = dct * fg;`,
};

const lstmSequenceGrad: Cfg = {
  name: 'LSTMSequenceGrad', backend: 'webgpu',
  run: ({ inputs, backend }) => {
    const [dy, dhN, dcN, wHh, h0, c0, mask, gates, cells, y] = inputs;
    const op = 'LSTMSequenceGrad';
    const d = seqDims(op, dy!, h0!);
    const { T, B, H } = d;
    const bh = B * H * 4;
    const dx = backend.makeOutput(op, [T, B, 4 * H], 'float32');
    const st = scratch(backend, op, [2, B, H]);
    backend.copy(backend.buffer(dhN!.dataId), 0, backend.buffer(st.dataId), 0, bh);
    backend.copy(backend.buffer(dcN!.dataId), 0, backend.buffer(st.dataId), bh, bh);
    const tile = stepTile(backend, B);
    const prog = stepProgram(backwardSpec, tile);
    const bufs = [dy!, mask!, gates!, cells!, c0!, wHh!, st, dx].map((x) => backend.buffer(x.dataId));
    backend.encodeTogether(T + 1);
    for (let s = T; s >= 0; s--) runStep(backend, prog, backwardSpec, tile, bufs, d, s);
    const dh = backend.makeOutput(op, [B, H], 'float32');
    const dc = backend.makeOutput(op, [B, H], 'float32');
    backend.copy(backend.buffer(st.dataId), 0, backend.buffer(dh.dataId), 0, bh);
    backend.copy(backend.buffer(st.dataId), bh, backend.buffer(dc.dataId), 0, bh);
    backend.release(st.dataId);
    const dw = weightGradFromStates(backend, op, dx, y!, h0!, 4 * H, d);
    return [dx, dw, dh, dc];
  },
};

export const lstmKernels: Cfg[] = [lstmSequence, lstmSequenceGrad];
