/**
 * Fused GRU layer on typed arrays (PyTorch gate order r, z, n; reset applied to W_hn·h + b_hn):
 * the JS path, used for float64 and wherever WebAssembly is unavailable.
 */
import type { TensorInfo } from '../../backend.js';
import { allocFor } from '../../dtype.js';
import type { CpuBackend } from '../cpu-backend.js';
import type { KernelInputs } from '../../kernel-contracts.js';
import {
  activeOf, copyOf, gemmAcc, gemmTransA, previousStates, seqDims, sigmoid, transpose2d, valuesByName,
} from './common.js';

/** in: xProj, wHh, bHh, h0, mask → out: y, hN, gates (r,z,n), hLin (W_hn·h + b_hn). */
export function gruForwardJs(backend: CpuBackend, io: KernelInputs<'GRUSequence', TensorInfo>): TensorInfo[] {
  const dtype = io.xProj.dtype;
  const { T, B, H } = seqDims(io.xProj, io.h0);
  const G = 3 * H;
  const { xProj, wHh, bHh, h0, mask: maskV } = valuesByName(backend, io);
  const active = activeOf(maskV!);
  const wT = transpose2d(wHh!, G, H, dtype); // [H, 3H]
  const h = copyOf(h0!, dtype);
  const y = allocFor(dtype, T * B * H), gates = allocFor(dtype, T * B * G), hLin = allocFor(dtype, T * B * H);
  const hh = allocFor(dtype, B * G);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) hh.set(bHh!, b * G);
    gemmAcc(B, G, H, h, 0, wT, hh, 0); // hh = h·W_hhᵀ + b_hh   (B, 3H)
    for (let b = 0; b < B; b++) {
      const on = active[t * B + b] === 1;
      const xr = (t * B + b) * G, hr = b * G, sr = b * H, yr = (t * B + b) * H;
      for (let j = 0; j < H; j++) {
        const r = sigmoid(xProj![xr + j]! + hh[hr + j]!);
        const z = sigmoid(xProj![xr + H + j]! + hh[hr + H + j]!);
        const lin = hh[hr + 2 * H + j]!;
        const n = Math.tanh(xProj![xr + 2 * H + j]! + r * lin);
        gates[xr + j] = r; gates[xr + H + j] = z; gates[xr + 2 * H + j] = n; hLin[yr + j] = lin;
        if (on) {
          const hn = (1 - z) * n + z * h[sr + j]!;
          h[sr + j] = hn; y[yr + j] = hn;
        }
      }
    }
  }
  return [
    backend.out(y, [T, B, H], dtype), backend.out(h, [B, H], dtype),
    backend.out(gates, [T, B, G], dtype), backend.out(hLin, [T, B, H], dtype),
  ];
}

/** in: dy, dhN, wHh, h0, mask, gates, hLin, y → out: dxProj, dwHh, dbHh, dh0. */
export function gruBackwardJs(backend: CpuBackend, io: KernelInputs<'GRUSequenceGrad', TensorInfo>): TensorInfo[] {
  const dtype = io.dy.dtype;
  const d = seqDims(io.dy, io.h0);
  const { T, B, H } = d;
  const G = 3 * H;
  const { dy, dhN, wHh, h0, mask: maskV, gates, hLin, y } = valuesByName(backend, io);
  const active = activeOf(maskV!);
  const dh = copyOf(dhN!, dtype);
  const dx = allocFor(dtype, T * B * G), dhh = allocFor(dtype, T * B * G);
  const direct = allocFor(dtype, B * H), dhPrev = allocFor(dtype, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      if (active[t * B + b] !== 1) continue;
      const gr = (t * B + b) * G, sr = b * H, yr = (t * B + b) * H;
      for (let j = 0; j < H; j++) {
        const r = gates![gr + j]!, z = gates![gr + H + j]!, n = gates![gr + 2 * H + j]!;
        const hp = t > 0 ? y![yr - B * H + j]! : h0![sr + j]!;
        const dht = dh[sr + j]! + dy![yr + j]!;
        const dn = dht * (1 - z) * (1 - n * n);
        const dr = dn * hLin![yr + j]! * r * (1 - r);
        const dz = dht * (hp - n) * z * (1 - z);
        dx[gr + j] = dr; dx[gr + H + j] = dz; dx[gr + 2 * H + j] = dn;
        dhh[gr + j] = dr; dhh[gr + H + j] = dz; dhh[gr + 2 * H + j] = dn * r;
        direct[sr + j] = dht * z;
      }
    }
    dhPrev.fill(0);
    gemmAcc(B, H, G, dhh, t * B * G, wHh!, dhPrev, 0); // (B, 3H) · (3H, H)
    for (let b = 0; b < B; b++) {
      if (active[t * B + b] !== 1) continue;
      for (let j = 0; j < H; j++) dh[b * H + j] = direct[b * H + j]! + dhPrev[b * H + j]!;
    }
  }
  const dw = allocFor(dtype, G * H);
  gemmTransA(T * B, H, G, dhh, previousStates(y!, h0!, d, dtype), dw);
  const db = allocFor(dtype, G);
  for (let r = 0; r < T * B; r++) for (let j = 0; j < G; j++) db[j]! += dhh[r * G + j]!;
  return [
    backend.out(dx, [T, B, G], dtype), backend.out(dw, [G, H], dtype),
    backend.out(db, [G], dtype), backend.out(dh, [B, H], dtype),
  ];
}
