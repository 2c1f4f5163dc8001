/**
 * Fused LSTM layer in WebAssembly (float32): per step, one SIMD gemm h·W_hhᵀ into the gate rows
 * (with W_hh packed once per call), then the gate math in place; backward mirrors it, and the
 * weight gradient is one gemm over all steps. With threads, each product is split by columns and the gate
 * math by batch rows (rows are independent within a step). Arena memory only: nothing is allocated per step.
 * Gradients are written with subnormals flushed to zero (vanishing gradients are otherwise ~100×
 * slower on x86).
 */
import type { TensorInfo } from '../../backend.js';
import type { CpuBackend } from '../cpu-backend.js';
import { seqDims, valuesOf } from '../fused/common.js';
import type { WasmRuntime } from './runtime.js';
import { packPlain, packTransposed, putConcat, putMask, weightGrad } from './seq-common.js';
import { parallelGemm, splitRows } from './threads.js';

/** in: xProj, wHh, h0, c0, mask → out: y, hN, cN, gates, cells. */
export function lstmForwardWasm(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[], keepState = true): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[2]!);
  const G = 4 * H, BH = B * H;
  const [xProj, wHh, h0, c0, maskV] = valuesOf(backend, inputs);
  const mark = rt.mark();
  try {
    const g = rt.put(xProj!); // preactivations, turned into the activated gates step by step
    const pw = packTransposed(rt, inputs[1]!, wHh!, G, H);
    const h = rt.put(h0!), c = rt.put(c0!), mask = putMask(rt, maskV!);
    const y = rt.alloc(T * BH), cells = rt.alloc(T * BH);
    for (let t = 0; t < T; t++) {
      const gt = g + t * B * G * 4, yt = y + t * BH * 4, ct = cells + t * BH * 4, mt = mask + t * B * 4;
      parallelGemm(rt, B, G, H, h, H, pw, gt, G, true); // z_t = xProj_t + h·W_hhᵀ   (B, 4H)
      splitRows(rt, B, BH, (r0, r1, x) => {
        const oG = r0 * G * 4, oH = r0 * H * 4;
        x('lstmForward', gt + oG, c + oH, h + oH, yt + oH, ct + oH, mt + r0 * 4, r1 - r0, H);
      });
    }
    const o = (p: number, n: number, shape: number[]) => backend.out(rt.output(p, n), shape, 'float32');
    const state = (p: number, n: number, shape: number[]) => (keepState ? o(p, n, shape) : backend.out(new Float32Array(0), [0], 'float32'));
    return [o(y, T * BH, [T, B, H]), o(h, BH, [B, H]), o(c, BH, [B, H]), state(g, T * B * G, [T, B, G]), state(cells, T * BH, [T, B, H])];
  } finally {
    rt.release(mark);
  }
}

/** in: dy, dhN, dcN, wHh, h0, c0, mask, gates, cells, y → out: dxProj, dwHh, dh0, dc0. */
export function lstmBackwardWasm(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[]): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[4]!);
  const G = 4 * H, BH = B * H;
  const [dy, dhN, dcN, wHh, h0, c0, maskV, gatesV, cellsV, yV] = valuesOf(backend, inputs);
  const mark = rt.mark();
  try {
    const hs = putConcat(rt, h0!, yV!, (T - 1) * BH); // h_{t-1} for every t: [h0 | y_0 … y_{T-2}]
    const cs = putConcat(rt, c0!, cellsV!, T * BH); // [c0 | c_0 … c_{T-1}]
    const wp = rt.ref(wHh!);
    const [dyp, dh, dc] = rt.putGradients(wp, wHh!.length, dy!, dhN!, dcN!) as [number, number, number];
    const gates = rt.ref(gatesV!), mask = putMask(rt, maskV!), tmp = rt.alloc(BH);
    const pw = packPlain(rt, wp, G, H);
    const dx = rt.alloc(T * B * G);
    for (let t = T - 1; t >= 0; t--) {
      const dxt = dx + t * B * G * 4, gt = gates + t * B * G * 4, mt = mask + t * B * 4;
      const ct = cs + (t + 1) * BH * 4, cp = cs + t * BH * 4, dyt = dyp + t * BH * 4;
      splitRows(rt, B, BH, (r0, r1, x) => {
        const oG = r0 * G * 4, oH = r0 * H * 4;
        x('lstmBackward', dxt + oG, gt + oG, ct + oH, cp + oH, dyt + oH, dh + oH, dc + oH, mt + r0 * 4, r1 - r0, H);
      });
      parallelGemm(rt, B, H, G, dxt, G, pw, tmp, H, false); // dh_{t-1} = dz_t · W_hh   (B, H)
      rt.x.selectRows(dh, tmp, mt, B, H);
    }
    const dw = weightGrad(rt, dx, hs, T * B, G, H);
    return [
      backend.out(rt.output(dx, T * B * G), [T, B, G], 'float32'), backend.out(dw, [G, H], 'float32'),
      backend.out(rt.output(dh, BH), [B, H], 'float32'), backend.out(rt.output(dc, BH), [B, H], 'float32'),
    ];
  } finally {
    rt.resetFlush();
    rt.release(mark);
  }
}
