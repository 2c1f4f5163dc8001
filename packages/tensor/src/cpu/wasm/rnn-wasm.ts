/** Fused Elman RNN layer in WebAssembly (float32, tanh or relu). */
import type { TensorInfo } from '../../backend.js';
import type { CpuBackend } from '../cpu-backend.js';
import { seqDims, valuesOf } from '../fused/common.js';
import type { Nonlinearity } from '../fused/rnn-js.js';
import type { WasmRuntime } from './runtime.js';
import { packPlain, packTransposed, putConcat, putMask, weightGrad } from './seq-common.js';
import { parallelGemm, splitRows } from './threads.js';

/** in: xProj, wHh, h0, mask → out: y, hN. */
export function rnnForwardWasm(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[], act: Nonlinearity): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[2]!);
  const BH = B * H;
  const [xProj, wHh, h0, maskV] = valuesOf(backend, inputs);
  const mark = rt.mark();
  try {
    const pre = rt.put(xProj!), pw = packTransposed(rt, inputs[1]!, wHh!, H, H);
    const h = rt.put(h0!), mask = putMask(rt, maskV!), y = rt.alloc(T * BH);
    for (let t = 0; t < T; t++) {
      const p = pre + t * BH * 4, yt = y + t * BH * 4, mt = mask + t * B * 4;
      parallelGemm(rt, B, H, H, h, H, pw, p, H, true);
      splitRows(rt, B, BH, (r0, r1, x) => {
        const o = r0 * H * 4;
        x('rnnForward', p + o, h + o, yt + o, mt + r0 * 4, r1 - r0, H, act === 'relu' ? 1 : 0);
      });
    }
    return [backend.out(rt.output(y, T * BH), [T, B, H], 'float32'), backend.out(rt.output(h, BH), [B, H], 'float32')];
  } finally {
    rt.release(mark);
  }
}

/** in: dy, dhN, wHh, h0, mask, y → out: dxProj, dwHh, dh0. */
export function rnnBackwardWasm(rt: WasmRuntime, backend: CpuBackend, inputs: readonly TensorInfo[], act: Nonlinearity): TensorInfo[] {
  const { T, B, H } = seqDims(inputs[0]!, inputs[3]!);
  const BH = B * H;
  const [dy, dhN, wHh, h0, maskV, yV] = valuesOf(backend, inputs);
  const mark = rt.mark();
  try {
    const hs = putConcat(rt, h0!, yV!, T * BH); // [h0 | y_0 … y_{T-1}]: h_{t-1} at t, y_t at t + 1
    const wp = rt.ref(wHh!);
    const [dyp, dh] = rt.putGradients(wp, wHh!.length, dy!, dhN!) as [number, number];
    const mask = putMask(rt, maskV!), tmp = rt.alloc(BH);
    const pw = packPlain(rt, wp, H, H);
    const dx = rt.alloc(T * BH);
    for (let t = T - 1; t >= 0; t--) {
      const s = t * BH * 4, mt = mask + t * B * 4;
      splitRows(rt, B, BH, (r0, r1, x) => {
        const o = r0 * H * 4;
        x('rnnBackward', dx + s + o, hs + s + BH * 4 + o, dyp + s + o, dh + o, mt + r0 * 4, r1 - r0, H, act === 'relu' ? 1 : 0);
      });
      parallelGemm(rt, B, H, H, dx + s, H, pw, tmp, H, false);
      rt.x.selectRows(dh, tmp, mt, B, H);
    }
    const dw = weightGrad(rt, dx, hs, T * B, H, H);
    return [
      backend.out(rt.output(dx, T * BH), [T, B, H], 'float32'), backend.out(dw, [H, H], 'float32'),
      backend.out(rt.output(dh, BH), [B, H], 'float32'),
    ];
  } finally {
    rt.resetFlush();
    rt.release(mark);
  }
}
