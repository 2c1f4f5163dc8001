/**
 * Fused LSTM layer on typed arrays (PyTorch gate order i, f, g, o): the JS path, used for float64
 * and wherever WebAssembly is unavailable. Contract: kernel-names.ts `LSTMSequence(Grad)`.
 */
import type { TensorInfo } from '../../backend.js';
import { allocFor, type DType } from '../../dtype.js';
import type { CpuBackend } from '../cpu-backend.js';
import type { KernelInputs } from '../../kernel-contracts.js';
import {
  activeOf, copyOf, gemmAcc, gemmTransA, previousStates, seqDims, sigmoid, transpose2d, valuesByName,
} from './common.js';

/** in: xProj, wHh, h0, c0, mask → out: y, hN, cN, gates, cells. */
export function lstmForwardJs(backend: CpuBackend, io: KernelInputs<'LSTMSequence', TensorInfo>): TensorInfo[] {
  const dtype = io.xProj.dtype;
  const d = seqDims(io.xProj, io.h0);
  const { T, B, H } = d;
  const G = 4 * H;
  const { xProj, wHh, h0, c0, mask: maskV } = valuesByName(backend, io);
  const active = activeOf(maskV);
  const wT = transpose2d(wHh, G, H, dtype); // [H, 4H]
  const h = copyOf(h0, dtype), c = copyOf(c0, dtype);
  const y = allocFor(dtype, T * B * H), gates = allocFor(dtype, T * B * G), cells = allocFor(dtype, T * B * H);
  const z = allocFor(dtype, B * G);
  for (let t = 0; t < T; t++) {
    z.set(xProj.subarray(t * B * G, (t + 1) * B * G));
    gemmAcc(B, G, H, h, 0, wT, z, 0); // z = xProj[t] + h·W_hhᵀ   (B, 4H)
    for (let b = 0; b < B; b++) {
      const on = active[t * B + b] === 1;
      const zr = b * G, gr = t * B * G + zr, sr = b * H, yr = (t * B + b) * H;
      for (let j = 0; j < H; j++) {
        const ig = sigmoid(z[zr + j]!), fg = sigmoid(z[zr + H + j]!);
        const gg = Math.tanh(z[zr + 2 * H + j]!), og = sigmoid(z[zr + 3 * H + j]!);
        gates[gr + j] = ig; gates[gr + H + j] = fg; gates[gr + 2 * H + j] = gg; gates[gr + 3 * H + j] = og;
        if (on) {
          const cn = fg * c[sr + j]! + ig * gg;
          const hn = og * Math.tanh(cn);
          c[sr + j] = cn; h[sr + j] = hn; y[yr + j] = hn;
        }
        cells[yr + j] = c[sr + j]!;
      }
    }
  }
  return [
    backend.out(y, [T, B, H], dtype), backend.out(h, [B, H], dtype), backend.out(c, [B, H], dtype),
    backend.out(gates, [T, B, G], dtype), backend.out(cells, [T, B, H], dtype),
  ];
}

/** in: dy, dhN, dcN, wHh, h0, c0, mask, gates, cells, y → out: dxProj, dwHh, dh0, dc0. */
export function lstmBackwardJs(backend: CpuBackend, io: KernelInputs<'LSTMSequenceGrad', TensorInfo>): TensorInfo[] {
  const dtype: DType = io.dy.dtype;
  const d = seqDims(io.dy, io.h0);
  const { T, B, H } = d;
  const G = 4 * H;
  const { dy, dhN, dcN, wHh, h0, c0, mask: maskV, gates, cells, y } = valuesByName(backend, io);
  const active = activeOf(maskV!);
  const dh = copyOf(dhN!, dtype), dc = copyOf(dcN!, dtype);
  const dx = allocFor(dtype, T * B * G);
  const dhPrev = allocFor(dtype, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      if (active[t * B + b] !== 1) continue; // padded: state and its gradient pass through
      const gr = (t * B + b) * G, sr = b * H, yr = (t * B + b) * H, pr = yr - B * H;
      for (let j = 0; j < H; j++) {
        const ig = gates![gr + j]!, fg = gates![gr + H + j]!, gg = gates![gr + 2 * H + j]!, og = gates![gr + 3 * H + j]!;
        const tc = Math.tanh(cells![yr + j]!);
        const cPrev = t > 0 ? cells![pr + j]! : c0![sr + j]!;
        const dht = dh[sr + j]! + dy![yr + j]!;
        const dct = dc[sr + j]! + dht * og * (1 - tc * tc);
        dx[gr + j] = dct * gg * ig * (1 - ig);
        dx[gr + H + j] = dct * cPrev * fg * (1 - fg);
        dx[gr + 2 * H + j] = dct * ig * (1 - gg * gg);
        dx[gr + 3 * H + j] = dht * tc * og * (1 - og);
        dc[sr + j] = dct * fg;
      }
    }
    dhPrev.fill(0);
    gemmAcc(B, H, G, dx, t * B * G, wHh!, dhPrev, 0); // dh_{t-1} = dz_t · W_hh   (B, H)
    for (let b = 0; b < B; b++) {
      if (active[t * B + b] === 1) dh.set(dhPrev.subarray(b * H, (b + 1) * H), b * H);
    }
  }
  const dw = allocFor(dtype, G * H);
  gemmTransA(T * B, H, G, dx, previousStates(y!, h0!, d, dtype), dw); // Σ_t dz_tᵀ · h_{t-1}
  return [
    backend.out(dx, [T, B, G], dtype), backend.out(dw, [G, H], dtype),
    backend.out(dh, [B, H], dtype), backend.out(dc, [B, H], dtype),
  ];
}
