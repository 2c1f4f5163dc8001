/** Arena helpers shared by the WebAssembly fused recurrent kernels. */
import type { TensorInfo } from '../../backend.js';
import type { CpuBackend } from '../cpu-backend.js';
import type { TypedArray } from '../../dtype.js';
import { packedOperand } from './packed-cache.js';
import type { WasmRuntime } from './runtime.js';
import { copyIn, copyOut, jsOutput, maskIn, maxAbsJs, stepsPerChunk } from './chunks.js';
import { parallelGemm } from './threads.js';

/** Copies the mask [T,B] into the arena as float 0/1. */
export function putMask(rt: WasmRuntime, mask: TypedArray): number {
  const p = rt.alloc(mask.length);
  const f = rt.f32(), o = p >> 2;
  for (let i = 0; i < mask.length; i++) f[o + i] = mask[i] !== 0 ? 1 : 0;
  return p;
}

/** Copies `first` followed by the first `restLen` values of `rest` into one contiguous block. */
export function putConcat(rt: WasmRuntime, first: TypedArray, rest: TypedArray, restLen: number): number {
  const p = rt.alloc(first.length + restLen);
  const f = rt.f32();
  f.set(first, p >> 2);
  if (restLen > 0) f.set(rest.subarray(0, restLen), (p >> 2) + first.length);
  return p;
}

/**
 * W_hh [G,H] (storage `w`) packed as the right operand of h·W_hhᵀ (k = H, n = G); reused across
 * calls for the same storage (packed-cache.ts: inference reruns the same weights).
 */
export function packTransposed(rt: WasmRuntime, w: TensorInfo, values: TypedArray, G: number, H: number): number {
  return packedOperand(rt, w.dataId, `T${H}x${G}`, rt.x.packedSize(H, G), (dst) => {
    rt.x.packB(rt.ref(values), H, 1, H, G, dst);
    return 0;
  }).p;
}

/** Packs W_hh [G,H] as the right operand of dz·W_hh (k = G, n = H). */
export function packPlain(rt: WasmRuntime, w: number, G: number, H: number): number {
  const pb = rt.alloc(rt.x.packedSize(G, H));
  rt.x.packB(w, H, 0, G, H, pb);
  return pb;
}

/** dW [G,H] = Σ_rows dzᵀ·hPrev for dz [rows,G] and hPrev [rows,H], all in the arena. */
export function weightGrad(rt: WasmRuntime, dz: number, hPrev: number, rows: number, G: number, H: number): Float32Array {
  const pb = rt.alloc(rt.x.packedSize(rows, H));
  rt.x.packB(hPrev, H, 0, rows, H, pb);
  const dw = rt.alloc(G * H);
  parallelGemm(rt, G, H, rows, dz, G, pb, dw, H, false, true); // dz read as its transpose while packing
  return rt.output(dw, G * H);
}

/**
 * `weightGrad` (and, with `bias`, the column sums of dz) for a chunked backward: dz [T·B, G] and the
 * previous states h_{t−1} (h0 for t = 0, else y_{t−1}) stream through the kernel memory in chunks of
 * Tc steps, ascending, each product accumulating onto the last — the same sums, in the same order,
 * as the one-piece version (chunks.ts). The bias sum carries across chunks as a leading row.
 */
export function weightGradChunked(
  rt: WasmRuntime, dz: Float32Array, h0: TypedArray, y: TypedArray, T: number, B: number, G: number, H: number, Tc: number, bias: boolean,
): { dw: Float32Array; db: Float32Array | null } {
  const BH = B * H, R = Tc * B;
  const mark = rt.mark();
  try {
    const dzC = rt.alloc((R + 1) * G), rowsAt = dzC + G * 4; // row 0: the bias sum so far
    const hC = rt.alloc(R * H), pb = rt.alloc(rt.x.packedSize(R, H));
    const dw = rt.alloc(G * H), db = bias ? rt.alloc(G) : 0;
    for (let t0 = 0; t0 < T; t0 += Tc) {
      const n = Math.min(Tc, T - t0), rows = n * B;
      copyIn(rt, rowsAt, dz, t0 * B * G, rows * G);
      if (t0 === 0) {
        copyIn(rt, hC, h0, 0, BH);
        copyIn(rt, hC + BH * 4, y, 0, (n - 1) * BH);
      } else {
        copyIn(rt, hC, y, (t0 - 1) * BH, n * BH);
      }
      rt.x.packB(hC, H, 0, rows, H, pb);
      parallelGemm(rt, G, H, rows, rowsAt, G, pb, dw, H, t0 > 0, true);
      if (!bias) continue;
      if (t0 === 0) {
        rt.x.colSum(rowsAt, rows, G, db);
      } else {
        rt.f32().copyWithin(dzC >> 2, db >> 2, (db >> 2) + G);
        rt.x.colSum(dzC, rows + 1, G, db);
      }
    }
    return { dw: rt.take(dw, G * H), db: bias ? rt.take(db, G) : null };
  } finally {
    rt.release(mark);
  }
}

/** Arena pointers of one time step of a chunked fused forward. */
export interface StepPointers {
  /** Gate rows [B, gw]: the step's preactivations, turned into its activated gates in place. */
  g: number;
  /** y_t [B, H]. */
  y: number;
  /** A second [B, H] output per step (LSTM cells, GRU hLin), or 0. */
  aux: number;
  /** The step's mask [B] as float 0/1. */
  mask: number;
  /** xProj_t read in place (the kernel's starting C), or 0 when g already holds a copy of it. */
  x: number;
}

/** Step i's pointers, for a chunk whose step 0 is `p` (B rows of gw gate floats and H outputs). */
export function stepAt(p: StepPointers, i: number, B: number, gw: number, H: number): StepPointers {
  return { g: p.g + i * B * gw * 4, y: p.y + i * B * H * 4, aux: p.aux && p.aux + i * B * H * 4, mask: p.mask + i * B * 4, x: p.x && p.x + i * B * gw * 4 };
}

export interface ForwardChunksSpec {
  T: number;
  B: number;
  H: number;
  /** Gate floats per batch row (4H, 3H, or H for the Elman RNN). */
  gw: number;
  xProj: TypedArray;
  mask: TypedArray;
  /** The gates (and aux) become outputs; else only y. */
  keepState: boolean;
  /** Whether the gates are an output at all (false for the Elman RNN, whose preactivations are scratch). */
  gatesOut: boolean;
  aux: boolean;
  /**
   * The step reads xProj where it is (p.x) instead of a copy in g, when xProj is already in the
   * kernel memory and the sequence is one chunk (LSTM, RNN: the product adds onto it; not GRU,
   * whose gate kernel reads its input from g).
   */
  xInPlace: boolean;
}

/**
 * The time loop of a fused forward, in chunks when the sequence is past the kernel-memory budget
 * (chunks.ts): each chunk's preactivations and mask are copied in, `run(n, p)` runs its n steps
 * (p: step 0's pointers; step i's rows follow at i × their size; the caller's recurrent state
 * carried in place), and past one chunk y, the gates and aux are
 * copied out to JS memory. Returns y, gates and aux as tensors (empty when not kept; gates/aux
 * null when not outputs). Call inside the kernel's mark/release.
 */
export function forwardChunks(
  rt: WasmRuntime, backend: CpuBackend, s: ForwardChunksSpec, run: (n: number, p: StepPointers) => void,
): { y: TensorInfo; gates: TensorInfo | null; aux: TensorInfo | null } {
  const { T, B, H, gw } = s, BH = B * H, BG = B * gw;
  const Tc = stepsPerChunk(T, B, BG + (s.aux ? 2 : 1) * BH + B);
  const g = rt.alloc(Tc * BG), y = rt.alloc(Tc * BH), aux = s.aux ? rt.alloc(Tc * BH) : 0, mask = rt.alloc(Tc * B);
  const keepG = s.gatesOut && s.keepState, keepA = s.aux && s.keepState;
  const out = Tc < T ? { y: jsOutput(T * BH), g: jsOutput(keepG ? T * BG : 0), aux: jsOutput(keepA ? T * BH : 0) } : null;
  for (let t0 = 0; t0 < T; t0 += Tc) {
    const n = Math.min(Tc, T - t0);
    const x = s.xInPlace && !out && rt.holds(s.xProj) ? s.xProj.byteOffset : 0;
    if (!x) copyIn(rt, g, s.xProj, t0 * BG, n * BG);
    maskIn(rt, mask, s.mask, t0 * B, n * B);
    run(n, { g, y, aux, mask, x });
    if (!out) continue;
    copyOut(rt, y, out.y, t0 * BH, n * BH);
    if (keepG) copyOut(rt, g, out.g, t0 * BG, n * BG);
    if (keepA) copyOut(rt, aux, out.aux, t0 * BH, n * BH);
  }
  const none = () => backend.out(new Float32Array(0), [0], 'float32');
  const kept = (keep: boolean, js: Float32Array | undefined, p: number, n: number, shape: number[]) =>
    (!keep ? none() : backend.out(js ?? rt.output(p, n), shape, 'float32'));
  return {
    y: backend.out(out ? out.y : rt.output(y, T * BH), [T, B, H], 'float32'),
    gates: s.gatesOut ? kept(keepG, out?.g, g, T * BG, [T, B, gw]) : null,
    aux: s.aux ? kept(keepA, out?.aux, aux, T * BH, [T, B, H]) : null,
  };
}

/**
 * `putGradients` for a chunked backward: the final-state gradients are copied in, the flush
 * threshold comes from them and the whole dy (which stays in JS memory and is flushed chunk by
 * chunk as it is copied in), and the states are flushed. Same threshold as the one-piece kernel.
 */
export function putStateGradients(rt: WasmRuntime, w: number, wLength: number, dy: TypedArray, ...states: TypedArray[]): number[] {
  const ps = states.map((v) => rt.put(v));
  const dyMax = rt.holds(dy) ? rt.x.maxAbs(dy.byteOffset, dy.length) : maxAbsJs(dy); // resident: scanned in place
  const scale = Math.max(dyMax, ...ps.map((p, i) => rt.x.maxAbs(p, states[i]!.length)));
  rt.setGradientScale(w, wLength, scale);
  ps.forEach((p, i) => rt.x.flushDenormals(p, states[i]!.length));
  return ps;
}
