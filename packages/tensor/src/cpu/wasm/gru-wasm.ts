/** Fused GRU layer in WebAssembly (float32); same structure as lstm-wasm.ts (time chunks included). */
import type { TensorInfo } from '../../backend.js';
import type { CpuBackend } from '../cpu-backend.js';
import { seqDims, valuesOf } from '../fused/common.js';
import { copyIn, copyOut, jsOutput, maskIn, stepsPerChunk } from './chunks.js';
import type { WasmRuntime } from './runtime.js';
import { forwardChunks, stepAt, packPlain, putStateGradients, packTransposed, putConcat, putMask, weightGrad, weightGradChunked } from './seq-common.js';
import { parallelGemm, splitRows, wholeSequence } from './threads.js';

/** in: xProj, wHh, bHh, h0, mask → out: y, hN, gates, hLin. */
export function gruForwardWasm(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[], keepState = true): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[3]!);
  const G = 3 * H, BH = B * H;
  const [xProj, wHh, bHh, h0, maskV] = valuesOf(backend, inputs);
  const mark = rt.mark();
  try {
    const pw = packTransposed(rt, inputs[1]!, wHh!, G, H);
    const bias = rt.put(bHh!), h = rt.put(h0!), hh = rt.alloc(B * G);
    // Gate rows: the input preactivations, turned into the activated gates; aux: hLin.
    const spec = { T, B, H, gw: G, xProj: xProj!, mask: maskV!, keepState, gatesOut: true, aux: true, xInPlace: false };
    const whole = wholeSequence(rt, B * G * H, BH), pa = rt.alloc(rt.packedAFloats);
    const r = forwardChunks(rt, backend, spec, (n, p0) => {
      if (whole) return rt.x.gruSequence(n, p0.g, hh, bias, h, p0.y, p0.aux, p0.mask, pw, pa, B, H);
      for (let i = 0; i < n; i++) {
        const p = stepAt(p0, i, B, G, H);
        parallelGemm(rt, B, G, H, h, H, pw, hh, G, false); // h·W_hhᵀ   (B, 3H)
        splitRows(rt, B, BH, (r0, r1, run) => {
          const oG = r0 * G * 4, oH = r0 * H * 4;
          run('gruForward', p.g + oG, hh + oG, bias, h + oH, p.y + oH, p.aux + oH, p.mask + r0 * 4, r1 - r0, H);
        });
      }
    });
    return [r.y, backend.out(rt.output(h, BH), [B, H], 'float32'), r.gates!, r.aux!];
  } finally {
    rt.release(mark);
  }
}

/**
 * Backward steps n−1 … 0 at arena pointers (step 0's rows; hs: h_{t−1} per step): gate gradients,
 * then dh_{t−1} = direct + dhh_t·W_hh (masked); one WebAssembly call unless threads split it.
 */
function backSteps(rt: WasmRuntime, B: number, H: number, pw: number, dh: number, direct: number, tmp: number) {
  const G = 3 * H, BH = B * H;
  const whole = wholeSequence(rt, B * G * H, BH), pa = rt.alloc(rt.packedAFloats);
  return (n: number, dx: number, dhh: number, gates: number, hLin: number, hs: number, dy: number, mask: number): void => {
    if (whole) return rt.x.gruSequenceBackward(n, dx, dhh, direct, gates, hLin, hs, dy, dh, mask, pw, tmp, pa, B, H);
    for (let t = n - 1; t >= 0; t--) {
      const o = t * B * G * 4, s = t * BH * 4, mt = mask + t * B * 4;
      splitRows(rt, B, BH, (r0, r1, run) => {
        const oG = r0 * G * 4, oH = r0 * H * 4;
        run('gruBackward', dx + o + oG, dhh + o + oG, direct + oH, gates + o + oG, hLin + s + oH, hs + s + oH, dy + s + oH,
          dh + oH, mt + r0 * 4, r1 - r0, H);
      });
      parallelGemm(rt, B, H, G, dhh + o, G, pw, tmp, H, false);
      rt.x.addRowsMasked(dh, direct, tmp, mt, B, H);
    }
  };
}

/** in: dy, dhN, wHh, h0, mask, gates, hLin, y → out: dxProj, dwHh, dbHh, dh0. */
export function gruBackwardWasm(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[]): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[3]!);
  const G = 3 * H, BH = B * H;
  const [dy, dhN, wHh, h0, maskV, gatesV, hLinV, yV] = valuesOf(backend, inputs);
  const Tc = stepsPerChunk(T, B, 3 * B * G + 3 * BH + B);
  if (Tc < T) return gruBackwardChunked(rt, backend, inputs, Tc);
  const mark = rt.mark();
  try {
    const hs = putConcat(rt, h0!, yV!, (T - 1) * BH);
    const wp = rt.ref(wHh!);
    const [dyp, dh] = rt.putGradients(wp, wHh!.length, dy!, dhN!) as [number, number];
    const gates = rt.ref(gatesV!), hLin = rt.ref(hLinV!), mask = putMask(rt, maskV!);
    const direct = rt.alloc(BH), tmp = rt.alloc(BH);
    const pw = packPlain(rt, wp, G, H);
    const dx = rt.alloc(T * B * G), dhh = rt.alloc(T * B * G);
    backSteps(rt, B, H, pw, dh, direct, tmp)(T, dx, dhh, gates, hLin, hs, dyp, mask);
    const dw = weightGrad(rt, dhh, hs, T * B, G, H);
    const db = rt.alloc(G);
    rt.x.colSum(dhh, T * B, G, db);
    return [
      backend.out(rt.output(dx, T * B * G), [T, B, G], 'float32'), backend.out(dw, [G, H], 'float32'),
      backend.out(rt.output(db, G), [G], 'float32'), backend.out(rt.output(dh, BH), [B, H], 'float32'),
    ];
  } finally {
    rt.resetFlush();
    rt.release(mark);
  }
}

/** The backward in time chunks (see lstm-wasm.ts lstmBackwardChunked). */
function gruBackwardChunked(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[], Tc: number): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[3]!);
  const G = 3 * H, BH = B * H;
  const [dy, dhN, wHh, h0, maskV, gatesV, hLinV, yV] = valuesOf(backend, inputs);
  const mark = rt.mark();
  try {
    const wp = rt.ref(wHh!);
    const [dh] = putStateGradients(rt, wp, wHh!.length, dy!, dhN!) as [number];
    const pw = packPlain(rt, wp, G, H), direct = rt.alloc(BH), tmp = rt.alloc(BH);
    const gates = rt.alloc(Tc * B * G), dx = rt.alloc(Tc * B * G), dhh = rt.alloc(Tc * B * G);
    const hLin = rt.alloc(Tc * BH), hs = rt.alloc(Tc * BH), dyC = rt.alloc(Tc * BH), mask = rt.alloc(Tc * B);
    const dxOut = jsOutput(T * B * G), dhhOut = jsOutput(T * B * G);
    const steps = backSteps(rt, B, H, pw, dh, direct, tmp);
    for (let t0 = Math.floor((T - 1) / Tc) * Tc; t0 >= 0; t0 -= Tc) {
      const n = Math.min(Tc, T - t0);
      copyIn(rt, gates, gatesV!, t0 * B * G, n * B * G);
      copyIn(rt, hLin, hLinV!, t0 * BH, n * BH);
      if (t0 === 0) {
        copyIn(rt, hs, h0!, 0, BH);
        copyIn(rt, hs + BH * 4, yV!, 0, (n - 1) * BH);
      } else {
        copyIn(rt, hs, yV!, (t0 - 1) * BH, n * BH);
      }
      copyIn(rt, dyC, dy!, t0 * BH, n * BH);
      rt.x.flushDenormals(dyC, n * BH);
      maskIn(rt, mask, maskV!, t0 * B, n * B);
      steps(n, dx, dhh, gates, hLin, hs, dyC, mask);
      copyOut(rt, dx, dxOut, t0 * B * G, n * B * G);
      copyOut(rt, dhh, dhhOut, t0 * B * G, n * B * G);
    }
    const { dw, db } = weightGradChunked(rt, dhhOut, h0!, yV!, T, B, G, H, Tc, true);
    return [
      backend.out(dxOut, [T, B, G], 'float32'), backend.out(dw, [G, H], 'float32'),
      backend.out(db!, [G], 'float32'), backend.out(rt.output(dh, BH), [B, H], 'float32'),
    ];
  } finally {
    rt.resetFlush();
    rt.release(mark);
  }
}
