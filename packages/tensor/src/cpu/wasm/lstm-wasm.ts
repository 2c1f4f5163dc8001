/**
 * Fused LSTM layer in WebAssembly (float32): per step, one SIMD gemm h·W_hhᵀ into the gate rows
 * (with W_hh packed once per call), then the gate math in place; backward mirrors it, and the
 * weight gradient is one gemm over all steps. The time loop is one WebAssembly call
 * (assembly/sequence.ts) unless threads split it: then each product is split by columns and the gate
 * math by batch rows (rows are independent within a step), one crossing per kernel per step. Arena memory only: nothing is allocated per step.
 * Sequences too long for the kernel memory run in time chunks (chunks.ts) with the same results.
 * Gradients are written with subnormals flushed to zero (vanishing gradients are otherwise ~100×
 * slower on x86).
 */
import type { TensorInfo } from '../../backend.js';
import type { CpuBackend } from '../cpu-backend.js';
import { seqDims, valuesOf } from '../fused/common.js';
import { copyIn, copyOut, jsOutput, maskIn, stepsPerChunk } from './chunks.js';
import type { WasmRuntime } from './runtime.js';
import { forwardChunks, stepAt, packPlain, putStateGradients, packTransposed, putConcat, putMask, weightGrad, weightGradChunked } from './seq-common.js';
import { parallelGemm, splitRows, wholeSequence } from './threads.js';

/** in: xProj, wHh, h0, c0, mask → out: y, hN, cN, gates, cells. */
export function lstmForwardWasm(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[], keepState = true): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[2]!);
  const G = 4 * H, BH = B * H;
  const [xProj, wHh, h0, c0, maskV] = valuesOf(backend, inputs);
  const mark = rt.mark();
  try {
    const pw = packTransposed(rt, inputs[1]!, wHh!, G, H);
    const h = rt.put(h0!), c = rt.put(c0!);
    const spec = { T, B, H, gw: G, xProj: xProj!, mask: maskV!, keepState, gatesOut: true, aux: true, xInPlace: true };
    const whole = wholeSequence(rt, B * G * H, BH), pa = rt.alloc(rt.packedAFloats);
    const r = forwardChunks(rt, backend, spec, (n, p0) => {
      if (whole) return rt.x.lstmSequence(n, p0.g, p0.x, c, h, p0.y, p0.aux, p0.mask, pw, pa, B, H);
      for (let i = 0; i < n; i++) {
        const p = stepAt(p0, i, B, G, H);
        parallelGemm(rt, B, G, H, h, H, pw, p.g, G, true, false, p.x, G); // z_t = xProj_t + h·W_hhᵀ   (B, 4H)
        splitRows(rt, B, BH, (r0, r1, x) => {
          const oG = r0 * G * 4, oH = r0 * H * 4;
          x('lstmForward', p.g + oG, c + oH, h + oH, p.y + oH, p.aux + oH, p.mask + r0 * 4, r1 - r0, H);
        });
      }
    });
    const o = (p: number) => backend.out(rt.output(p, BH), [B, H], 'float32');
    return [r.y, o(h), o(c), r.gates!, r.aux!];
  } finally {
    rt.release(mark);
  }
}

/** in: dy, dhN, dcN, wHh, h0, c0, mask, gates, cells, y → out: dxProj, dwHh, dh0, dc0. */
export function lstmBackwardWasm(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[]): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[4]!);
  const G = 4 * H, BH = B * H;
  const [dy, dhN, dcN, wHh, h0, c0, maskV, gatesV, cellsV, yV] = valuesOf(backend, inputs);
  const Tc = stepsPerChunk(T, B, 2 * B * G + 3 * BH + B);
  if (Tc < T) return lstmBackwardChunked(rt, backend, inputs, Tc);
  const mark = rt.mark();
  try {
    const hs = putConcat(rt, h0!, yV!, (T - 1) * BH); // h_{t-1} for every t: [h0 | y_0 … y_{T-2}]
    const cs = putConcat(rt, c0!, cellsV!, T * BH); // [c0 | c_0 … c_{T-1}]
    const wp = rt.ref(wHh!);
    const [dyp, dh, dc] = rt.putGradients(wp, wHh!.length, dy!, dhN!, dcN!) as [number, number, number];
    const gates = rt.ref(gatesV!), mask = putMask(rt, maskV!), tmp = rt.alloc(BH);
    const pw = packPlain(rt, wp, G, H);
    const dx = rt.alloc(T * B * G);
    backSteps(rt, B, H, pw, dh, dc, tmp)(T, dx, gates, cs, dyp, mask);
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

/**
 * Backward steps n−1 … 0 at arena pointers (step 0's rows; cs = [c_{−1} | c_0 …]): per step, gate
 * gradients into dx, then dh_{t−1} = dz_t·W_hh (masked); one WebAssembly call unless threads split it.
 */
function backSteps(rt: WasmRuntime, B: number, H: number, pw: number, dh: number, dc: number, tmp: number) {
  const G = 4 * H, BH = B * H;
  const whole = wholeSequence(rt, B * G * H, BH), pa = rt.alloc(rt.packedAFloats);
  return (n: number, dx: number, gates: number, cs: number, dy: number, mask: number): void => {
    if (whole) return rt.x.lstmSequenceBackward(n, dx, gates, cs, dy, dh, dc, mask, pw, tmp, pa, B, H);
    for (let t = n - 1; t >= 0; t--) {
      const dxt = dx + t * B * G * 4, gt = gates + t * B * G * 4, ct = cs + (t + 1) * BH * 4, cp = cs + t * BH * 4;
      const dyt = dy + t * BH * 4, mt = mask + t * B * 4;
      splitRows(rt, B, BH, (r0, r1, x) => {
        const oG = r0 * G * 4, oH = r0 * H * 4;
        x('lstmBackward', dxt + oG, gt + oG, ct + oH, cp + oH, dyt + oH, dh + oH, dc + oH, mt + r0 * 4, r1 - r0, H);
      });
      parallelGemm(rt, B, H, G, dxt, G, pw, tmp, H, false); // dh_{t-1} = dz_t · W_hh   (B, H)
      rt.x.selectRows(dh, tmp, mt, B, H);
    }
  };
}

/**
 * The backward in time chunks of Tc steps, last chunk first: gates, cells, dy and mask of a chunk
 * are copied in, its dxProj copied out; the weight gradient is then summed in ascending chunks.
 * The flush threshold comes from the whole dy, as the one-piece kernel's (runtime.ts putGradients).
 */
function lstmBackwardChunked(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[], Tc: number): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[4]!);
  const G = 4 * H, BH = B * H;
  const [dy, dhN, dcN, wHh, h0, c0, maskV, gatesV, cellsV, yV] = valuesOf(backend, inputs);
  const mark = rt.mark();
  try {
    const wp = rt.ref(wHh!);
    const [dh, dc] = putStateGradients(rt, wp, wHh!.length, dy!, dhN!, dcN!) as [number, number];
    const pw = packPlain(rt, wp, G, H), tmp = rt.alloc(BH);
    const gates = rt.alloc(Tc * B * G), dx = rt.alloc(Tc * B * G), cs = rt.alloc((Tc + 1) * BH);
    const dyC = rt.alloc(Tc * BH), mask = rt.alloc(Tc * B);
    const dxOut = jsOutput(T * B * G);
    const steps = backSteps(rt, B, H, pw, dh, dc, tmp);
    for (let t0 = Math.floor((T - 1) / Tc) * Tc; t0 >= 0; t0 -= Tc) {
      const n = Math.min(Tc, T - t0);
      copyIn(rt, gates, gatesV!, t0 * B * G, n * B * G);
      if (t0 === 0) copyIn(rt, cs, c0!, 0, BH);
      else copyIn(rt, cs, cellsV!, (t0 - 1) * BH, BH); // c_{t0−1}
      copyIn(rt, cs + BH * 4, cellsV!, t0 * BH, n * BH);
      copyIn(rt, dyC, dy!, t0 * BH, n * BH);
      rt.x.flushDenormals(dyC, n * BH);
      maskIn(rt, mask, maskV!, t0 * B, n * B);
      steps(n, dx, gates, cs, dyC, mask);
      copyOut(rt, dx, dxOut, t0 * B * G, n * B * G);
    }
    const { dw } = weightGradChunked(rt, dxOut, h0!, yV!, T, B, G, H, Tc, false);
    return [
      backend.out(dxOut, [T, B, G], 'float32'), backend.out(dw, [G, H], 'float32'),
      backend.out(rt.output(dh, BH), [B, H], 'float32'), backend.out(rt.output(dc, BH), [B, H], 'float32'),
    ];
  } finally {
    rt.resetFlush();
    rt.release(mark);
  }
}
