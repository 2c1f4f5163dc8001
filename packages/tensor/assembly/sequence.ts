// Whole time loops of the fused recurrent layers: one call runs `n` steps (a sequence, or one time
// chunk of it) of one layer and direction, instead of one JS→WebAssembly crossing per product and
// per gate kernel per step. Each step makes exactly the calls the per-step path makes from JS
// (same gemm, same gate kernel, same arguments), so the results are the same bits.
//
// Step t's rows start at base + t·stride: gate rows [B, G] at g + t·B·G·4, outputs [B, H] at
// y + t·B·H·4, the mask [B] at mask + t·B·4. `pw` is the packed W_hh (gemm.ts packB) and `pa` the
// gemm's packed-A scratch (packedASize() floats); `tmp` [B, H] is scratch for dh_{t−1}.
import { gemm } from './gemm';
import { addRowsMasked, gruBackward, gruForward, lstmBackward, lstmForward, rnnBackward, rnnForward } from './cells';
import { selectRows } from './math';

/**
 * LSTM forward over n steps: the gates go to g, which holds xProj already (x = 0) or gets
 * xProj_t + h·W_hhᵀ with xProj read at x; c, h carry the state in place.
 */
export function lstmSequence(n: i32, g: usize, x: usize, c: usize, h: usize, y: usize, cells: usize, mask: usize, pw: usize, pa: usize, B: i32, H: i32): void {
  const G = 4 * H;
  const sg = <usize>(B * G) << 2, sh = <usize>(B * H) << 2, sm = <usize>B << 2;
  for (let t = 0; t < n; t++) {
    const gt = g + <usize>t * sg, ht = <usize>t * sh;
    gemm(B, G, H, h, H, 0, pw, gt, G, 1, 0, G, pa, x ? x + <usize>t * sg : 0, G); // z_t = xProj_t + h·W_hhᵀ
    lstmForward(gt, c, h, y + ht, cells + ht, mask + <usize>t * sm, B, H);
  }
}

/**
 * LSTM backward over steps n−1 … 0: dz_t into dx, dh and dc carried in place. cs holds
 * [c_{−1} | c_0 … c_{n−1}] (the state before each step, then after).
 */
export function lstmSequenceBackward(n: i32, dx: usize, gates: usize, cs: usize, dy: usize, dh: usize, dc: usize, mask: usize, pw: usize, tmp: usize, pa: usize, B: i32, H: i32): void {
  const G = 4 * H;
  const sg = <usize>(B * G) << 2, sh = <usize>(B * H) << 2, sm = <usize>B << 2;
  for (let t = n - 1; t >= 0; t--) {
    const o = <usize>t * sg, s = <usize>t * sh, mt = mask + <usize>t * sm;
    lstmBackward(dx + o, gates + o, cs + s + sh, cs + s, dy + s, dh, dc, mt, B, H);
    gemm(B, H, G, dx + o, G, 0, pw, tmp, H, 0, 0, H, pa, 0, 0); // dh_{t−1} = dz_t·W_hh
    selectRows(dh, tmp, mt, B, H);
  }
}

/** GRU forward over n steps: g holds xProj and becomes the gates; hh [B, 3H] is scratch. */
export function gruSequence(n: i32, g: usize, hh: usize, bias: usize, h: usize, y: usize, hLin: usize, mask: usize, pw: usize, pa: usize, B: i32, H: i32): void {
  const G = 3 * H;
  const sg = <usize>(B * G) << 2, sh = <usize>(B * H) << 2, sm = <usize>B << 2;
  for (let t = 0; t < n; t++) {
    const ht = <usize>t * sh;
    gemm(B, G, H, h, H, 0, pw, hh, G, 0, 0, G, pa, 0, 0); // h·W_hhᵀ
    gruForward(g + <usize>t * sg, hh, bias, h, y + ht, hLin + ht, mask + <usize>t * sm, B, H);
  }
}

/** GRU backward over steps n−1 … 0; hs [n, B, H] holds h_{t−1} of each step, direct [B, H] is scratch. */
export function gruSequenceBackward(n: i32, dx: usize, dhh: usize, direct: usize, gates: usize, hLin: usize, hs: usize, dy: usize, dh: usize, mask: usize, pw: usize, tmp: usize, pa: usize, B: i32, H: i32): void {
  const G = 3 * H;
  const sg = <usize>(B * G) << 2, sh = <usize>(B * H) << 2, sm = <usize>B << 2;
  for (let t = n - 1; t >= 0; t--) {
    const o = <usize>t * sg, s = <usize>t * sh, mt = mask + <usize>t * sm;
    gruBackward(dx + o, dhh + o, direct, gates + o, hLin + s, hs + s, dy + s, dh, mt, B, H);
    gemm(B, H, G, dhh + o, G, 0, pw, tmp, H, 0, 0, H, pa, 0, 0);
    addRowsMasked(dh, direct, tmp, mt, B, H);
  }
}

/** Elman forward over n steps: g (scratch preactivations) holds xProj already (x = 0) or reads it at x. */
export function rnnSequence(n: i32, g: usize, x: usize, h: usize, y: usize, mask: usize, pw: usize, pa: usize, B: i32, H: i32, relu: i32): void {
  const sh = <usize>(B * H) << 2, sm = <usize>B << 2;
  for (let t = 0; t < n; t++) {
    const s = <usize>t * sh;
    gemm(B, H, H, h, H, 0, pw, g + s, H, 1, 0, H, pa, x ? x + s : 0, H);
    rnnForward(g + s, h, y + s, mask + <usize>t * sm, B, H, relu);
  }
}

/** Elman backward over steps n−1 … 0; ys [n, B, H] holds y_t of each step. */
export function rnnSequenceBackward(n: i32, dx: usize, ys: usize, dy: usize, dh: usize, mask: usize, pw: usize, tmp: usize, pa: usize, B: i32, H: i32, relu: i32): void {
  const sh = <usize>(B * H) << 2, sm = <usize>B << 2;
  for (let t = n - 1; t >= 0; t--) {
    const s = <usize>t * sh, mt = mask + <usize>t * sm;
    rnnBackward(dx + s, ys + s, dy + s, dh, mt, B, H, relu);
    gemm(B, H, H, dx + s, H, 0, pw, tmp, H, 0, 0, H, pa, 0, 0);
    selectRows(dh, tmp, mt, B, H);
  }
}
