/** Fused GRU layer in WebAssembly (float32); same structure as lstm-wasm.ts. */
import type { TensorInfo } from '../../backend.js';
import type { CpuBackend } from '../cpu-backend.js';
import { seqDims, valuesOf } from '../fused/common.js';
import type { WasmRuntime } from './runtime.js';
import { packPlain, packTransposed, putConcat, putMask, weightGrad } from './seq-common.js';
import { parallelGemm, splitRows } from './threads.js';

/** in: xProj, wHh, bHh, h0, mask → out: y, hN, gates, hLin. */
export function gruForwardWasm(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[], keepState = true): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[3]!);
  const G = 3 * H, BH = B * H;
  const [xProj, wHh, bHh, h0, maskV] = valuesOf(backend, inputs);
  const mark = rt.mark();
  try {
    const x = rt.put(xProj!); // input preactivations, turned into the activated gates
    const pw = packTransposed(rt, inputs[1]!, wHh!, G, H);
    const bias = rt.put(bHh!), h = rt.put(h0!), mask = putMask(rt, maskV!);
    const hh = rt.alloc(B * G), y = rt.alloc(T * BH), hLin = rt.alloc(T * BH);
    for (let t = 0; t < T; t++) {
      const xt = x + t * B * G * 4, yt = y + t * BH * 4, lt = hLin + t * BH * 4, mt = mask + t * B * 4;
      parallelGemm(rt, B, G, H, h, H, pw, hh, G, false); // h·W_hhᵀ   (B, 3H)
      splitRows(rt, B, BH, (r0, r1, run) => {
        const oG = r0 * G * 4, oH = r0 * H * 4;
        run('gruForward', xt + oG, hh + oG, bias, h + oH, yt + oH, lt + oH, mt + r0 * 4, r1 - r0, H);
      });
    }
    const o = (p: number, n: number, shape: number[]) => backend.out(rt.output(p, n), shape, 'float32');
    const state = (p: number, n: number, shape: number[]) => (keepState ? o(p, n, shape) : backend.out(new Float32Array(0), [0], 'float32'));
    return [o(y, T * BH, [T, B, H]), o(h, BH, [B, H]), state(x, T * B * G, [T, B, G]), state(hLin, T * BH, [T, B, H])];
  } finally {
    rt.release(mark);
  }
}

/** in: dy, dhN, wHh, h0, mask, gates, hLin, y → out: dxProj, dwHh, dbHh, dh0. */
export function gruBackwardWasm(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[]): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[3]!);
  const G = 3 * H, BH = B * H;
  const [dy, dhN, wHh, h0, maskV, gatesV, hLinV, yV] = valuesOf(backend, inputs);
  const mark = rt.mark();
  try {
    const hs = putConcat(rt, h0!, yV!, (T - 1) * BH);
    const wp = rt.ref(wHh!);
    const [dyp, dh] = rt.putGradients(wp, wHh!.length, dy!, dhN!) as [number, number];
    const gates = rt.ref(gatesV!), hLin = rt.ref(hLinV!), mask = putMask(rt, maskV!);
    const direct = rt.alloc(BH), tmp = rt.alloc(BH);
    const pw = packPlain(rt, wp, G, H);
    const dx = rt.alloc(T * B * G), dhh = rt.alloc(T * B * G);
    for (let t = T - 1; t >= 0; t--) {
      const o = t * B * G * 4, s = t * BH * 4, mt = mask + t * B * 4;
      splitRows(rt, B, BH, (r0, r1, run) => {
        const oG = o + r0 * G * 4, oH = r0 * H * 4;
        run('gruBackward', dx + oG, dhh + oG, direct + oH, gates + oG, hLin + s + oH, hs + s + oH, dyp + s + oH, dh + oH, mt + r0 * 4, r1 - r0, H);
      });
      parallelGemm(rt, B, H, G, dhh + o, G, pw, tmp, H, false);
      rt.x.addRowsMasked(dh, direct, tmp, mt, B, H);
    }
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
