/** Fused Elman RNN layer (tanh or relu) on typed arrays: the JS path. */
import type { TensorInfo } from '../../backend.js';
import { allocFor } from '../../dtype.js';
import type { CpuBackend } from '../cpu-backend.js';
import type { KernelInputs } from '../../kernel-contracts.js';
import { activeOf, copyOf, gemmAcc, gemmTransA, previousStates, seqDims, transpose2d, valuesByName } from './common.js';

export type Nonlinearity = 'tanh' | 'relu';

const relu = (x: number) => (x > 0 ? x : x === x ? 0 : x);

/** in: xProj, wHh, h0, mask → out: y, hN. */
export function rnnForwardJs(backend: CpuBackend, io: KernelInputs<'RNNSequence', TensorInfo>, act: Nonlinearity): TensorInfo[] {
  const dtype = io.xProj.dtype;
  const { T, B, H } = seqDims(io.xProj, io.h0);
  const { xProj, wHh, h0, mask: maskV } = valuesByName(backend, io);
  const active = activeOf(maskV!);
  const wT = transpose2d(wHh!, H, H, dtype);
  const h = copyOf(h0!, dtype), y = allocFor(dtype, T * B * H), pre = allocFor(dtype, B * H);
  const f = act === 'tanh' ? Math.tanh : relu;
  for (let t = 0; t < T; t++) {
    pre.set(xProj!.subarray(t * B * H, (t + 1) * B * H));
    gemmAcc(B, H, H, h, 0, wT, pre, 0);
    for (let b = 0; b < B; b++) {
      if (active[t * B + b] !== 1) continue;
      for (let j = 0; j < H; j++) {
        const v = f(pre[b * H + j]!);
        h[b * H + j] = v; y[(t * B + b) * H + j] = v;
      }
    }
  }
  return [backend.out(y, [T, B, H], dtype), backend.out(h, [B, H], dtype)];
}

/** in: dy, dhN, wHh, h0, mask, y → out: dxProj, dwHh, dh0. */
export function rnnBackwardJs(backend: CpuBackend, io: KernelInputs<'RNNSequenceGrad', TensorInfo>, act: Nonlinearity): TensorInfo[] {
  const dtype = io.dy.dtype;
  const d = seqDims(io.dy, io.h0);
  const { T, B, H } = d;
  const { dy, dhN, wHh, h0, mask: maskV, y } = valuesByName(backend, io);
  const active = activeOf(maskV!);
  const dh = copyOf(dhN!, dtype), dx = allocFor(dtype, T * B * H), dhPrev = allocFor(dtype, B * H);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      if (active[t * B + b] !== 1) continue;
      const r = (t * B + b) * H;
      for (let j = 0; j < H; j++) {
        const hv = y![r + j]!;
        const dht = dh[b * H + j]! + dy![r + j]!;
        dx[r + j] = act === 'tanh' ? dht * (1 - hv * hv) : hv > 0 ? dht : 0;
      }
    }
    dhPrev.fill(0);
    gemmAcc(B, H, H, dx, t * B * H, wHh!, dhPrev, 0);
    for (let b = 0; b < B; b++) {
      if (active[t * B + b] === 1) dh.set(dhPrev.subarray(b * H, (b + 1) * H), b * H);
    }
  }
  const dw = allocFor(dtype, H * H);
  gemmTransA(T * B, H, H, dx, previousStates(y!, h0!, d, dtype), dw);
  return [backend.out(dx, [T, B, H], dtype), backend.out(dw, [H, H], dtype), backend.out(dh, [B, H], dtype)];
}
