/** Fused Elman RNN layer in WebAssembly (float32, tanh or relu); time chunks as in lstm-wasm.ts. */
import type { TensorInfo } from '../../backend.js';
import type { CpuBackend } from '../cpu-backend.js';
import { seqDims, valuesOf } from '../fused/common.js';
import type { Nonlinearity } from '../fused/rnn-js.js';
import { copyIn, copyOut, jsOutput, maskIn, stepsPerChunk } from './chunks.js';
import type { WasmRuntime } from './runtime.js';
import { forwardChunks, stepAt, packPlain, putStateGradients, packTransposed, putConcat, putMask, weightGrad, weightGradChunked } from './seq-common.js';
import { parallelGemm, splitRows, wholeSequence } from './threads.js';

/** in: xProj, wHh, h0, mask → out: y, hN. */
export function rnnForwardWasm(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[], act: Nonlinearity): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[2]!);
  const BH = B * H;
  const [xProj, wHh, h0, maskV] = valuesOf(backend, inputs);
  const mark = rt.mark();
  try {
    const pw = packTransposed(rt, inputs[1]!, wHh!, H, H), h = rt.put(h0!);
    // Gate rows: the preactivations (scratch, not an output).
    const spec = { T, B, H, gw: H, xProj: xProj!, mask: maskV!, keepState: false, gatesOut: false, aux: false, xInPlace: true };
    const relu = act === 'relu' ? 1 : 0;
    const whole = wholeSequence(rt, B * H * H, BH), pa = rt.alloc(rt.packedAFloats);
    const r = forwardChunks(rt, backend, spec, (n, p0) => {
      if (whole) return rt.x.rnnSequence(n, p0.g, p0.x, h, p0.y, p0.mask, pw, pa, B, H, relu);
      for (let i = 0; i < n; i++) {
        const p = stepAt(p0, i, B, H, H);
        parallelGemm(rt, B, H, H, h, H, pw, p.g, H, true, false, p.x, H);
        splitRows(rt, B, BH, (r0, r1, x) => {
          const o = r0 * H * 4;
          x('rnnForward', p.g + o, h + o, p.y + o, p.mask + r0 * 4, r1 - r0, H, relu);
        });
      }
    });
    return [r.y, backend.out(rt.output(h, BH), [B, H], 'float32')];
  } finally {
    rt.release(mark);
  }
}

/** Backward steps n−1 … 0 at arena pointers (step 0's rows; ys: y_t per step); one call unless threads split it. */
function backSteps(rt: WasmRuntime, B: number, H: number, pw: number, dh: number, tmp: number, act: Nonlinearity) {
  const BH = B * H, relu = act === 'relu' ? 1 : 0;
  const whole = wholeSequence(rt, B * H * H, BH), pa = rt.alloc(rt.packedAFloats);
  return (n: number, dx: number, ys: number, dy: number, mask: number): void => {
    if (whole) return rt.x.rnnSequenceBackward(n, dx, ys, dy, dh, mask, pw, tmp, pa, B, H, relu);
    for (let t = n - 1; t >= 0; t--) {
      const s = t * BH * 4, mt = mask + t * B * 4;
      splitRows(rt, B, BH, (r0, r1, x) => {
        const o = s + r0 * H * 4;
        x('rnnBackward', dx + o, ys + o, dy + o, dh + r0 * H * 4, mt + r0 * 4, r1 - r0, H, relu);
      });
      parallelGemm(rt, B, H, H, dx + s, H, pw, tmp, H, false);
      rt.x.selectRows(dh, tmp, mt, B, H);
    }
  };
}

/** in: dy, dhN, wHh, h0, mask, y → out: dxProj, dwHh, dh0. */
export function rnnBackwardWasm(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[], act: Nonlinearity): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[3]!);
  const BH = B * H;
  const [dy, dhN, wHh, h0, maskV, yV] = valuesOf(backend, inputs);
  const Tc = stepsPerChunk(T, B, 3 * BH + B);
  const mark = rt.mark();
  try {
    const wp = rt.ref(wHh!);
    const tmp = rt.alloc(BH), pw = packPlain(rt, wp, H, H);
    if (Tc >= T) {
      const hs = putConcat(rt, h0!, yV!, T * BH); // [h0 | y_0 … y_{T-1}]: h_{t-1} at t, y_t at t + 1
      const [dyp, dh] = rt.putGradients(wp, wHh!.length, dy!, dhN!) as [number, number];
      const mask = putMask(rt, maskV!), dx = rt.alloc(T * BH);
      backSteps(rt, B, H, pw, dh, tmp, act)(T, dx, hs + BH * 4, dyp, mask);
      const dw = weightGrad(rt, dx, hs, T * B, H, H);
      return [
        backend.out(rt.output(dx, T * BH), [T, B, H], 'float32'), backend.out(dw, [H, H], 'float32'),
        backend.out(rt.output(dh, BH), [B, H], 'float32'),
      ];
    }
    // Time chunks, last first (see lstm-wasm.ts lstmBackwardChunked).
    const [dh] = putStateGradients(rt, wp, wHh!.length, dy!, dhN!) as [number];
    const ys = rt.alloc(Tc * BH), dyC = rt.alloc(Tc * BH), dx = rt.alloc(Tc * BH), mask = rt.alloc(Tc * B);
    const dxOut = jsOutput(T * BH);
    const steps = backSteps(rt, B, H, pw, dh, tmp, act);
    for (let t0 = Math.floor((T - 1) / Tc) * Tc; t0 >= 0; t0 -= Tc) {
      const n = Math.min(Tc, T - t0);
      copyIn(rt, ys, yV!, t0 * BH, n * BH);
      copyIn(rt, dyC, dy!, t0 * BH, n * BH);
      rt.x.flushDenormals(dyC, n * BH);
      maskIn(rt, mask, maskV!, t0 * B, n * B);
      steps(n, dx, ys, dyC, mask);
      copyOut(rt, dx, dxOut, t0 * BH, n * BH);
    }
    const { dw } = weightGradChunked(rt, dxOut, h0!, yV!, T, B, H, H, Tc, false);
    return [backend.out(dxOut, [T, B, H], 'float32'), backend.out(dw, [H, H], 'float32'), backend.out(rt.output(dh, BH), [B, H], 'float32')];
  } finally {
    rt.resetFlush();
    rt.release(mark);
  }
}
