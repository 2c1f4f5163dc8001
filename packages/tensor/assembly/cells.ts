// One time step of the fused recurrent layers, gate math only (the hidden matmul runs in gemm.ts
// between these calls). Rows are batch entries; mask[b] ≠ 0 marks an active step, while a padded
// step keeps its state and outputs zeros. Gate blocks follow PyTorch: LSTM i,f,g,o; GRU r,z,n.
import { K_ONE, ftz, kc, load4, sigmoid4, store4, tanh4 } from './math';

@inline function isOn(mask: usize, b: i32): bool {
  return load<f32>(mask + (<usize>b << 2)) != 0;
}

/** Applies sigmoid (or tanh) to n floats at src, writing them at dst (may be src). */
@inline function actRange(src: usize, dst: usize, n: i32, tanh: bool): void {
  let j = 0;
  // Two independent vectors per iteration: each exp is a ~40-cycle dependency chain, and V8 keeps
  // instructions in order within an iteration, so pairs overlap where single vectors stall.
  for (; j + 8 <= n; j += 8) {
    const o = <usize>j << 2;
    const a = v128.load(src + o), b = v128.load(src + o, 16);
    const fa = tanh ? tanh4(a) : sigmoid4(a), fb = tanh ? tanh4(b) : sigmoid4(b);
    v128.store(dst + o, fa);
    v128.store(dst + o, fb, 16);
  }
  for (; j < n; j += 4) {
    const o = <usize>j << 2;
    const rem = n - j;
    store4(dst + o, tanh ? tanh4(load4(src + o, rem)) : sigmoid4(load4(src + o, rem)), rem);
  }
}

/**
 * LSTM forward step. g [B,4H] holds xProj_t + h·W_hhᵀ and receives the activated gates; c and h
 * [B,H] are the state (updated in place); y and cells [B,H] are this step's rows of the outputs.
 */
export function lstmForward(g: usize, c: usize, h: usize, y: usize, cells: usize, mask: usize, B: i32, H: i32): void {
  const hb = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const on = isOn(mask, b);
    const gr = g + (<usize>b * 4 * hb), sr = <usize>b * hb;
    // Activations first, each gate block in its own simple loop (one transcendental per
    // iteration keeps V8's register allocation spill-free), then the state update.
    actRange(gr, gr, 2 * H, false);
    actRange(gr + 2 * hb, gr + 2 * hb, H, true);
    actRange(gr + 3 * hb, gr + 3 * hb, H, false);
    let j = 0;
    if (on) {
      // Two vectors per iteration, as in actRange (tanh(c) is the chain here).
      for (; j + 8 <= H; j += 8) {
        const o4 = <usize>j << 2;
        lstmCell(gr + o4, hb, c + sr + o4, h + sr + o4, y + sr + o4, cells + sr + o4, 4);
        lstmCell(gr + o4 + 16, hb, c + sr + o4 + 16, h + sr + o4 + 16, y + sr + o4 + 16, cells + sr + o4 + 16, 4);
      }
      for (; j < H; j += 4) {
        const o4 = <usize>j << 2;
        lstmCell(gr + o4, hb, c + sr + o4, h + sr + o4, y + sr + o4, cells + sr + o4, H - j);
      }
    } else {
      for (; j < H; j += 4) {
        const rem = H - j, o4 = <usize>j << 2;
        store4(y + sr + o4, f32x4.splat(0), rem);
        store4(cells + sr + o4, load4(c + sr + o4, rem), rem);
      }
    }
  }
}

/** c ← f·c + i·g, h = y = o·tanh(c) for `rem` (≤ 4) lanes of one row; gate blocks hb bytes apart. */
@inline function lstmCell(g: usize, hb: usize, c: usize, h: usize, y: usize, cells: usize, rem: i32): void {
  const ig = load4(g, rem), fg = load4(g + hb, rem), gg = load4(g + 2 * hb, rem), og = load4(g + 3 * hb, rem);
  const cv = f32x4.add(f32x4.mul(fg, load4(c, rem)), f32x4.mul(ig, gg));
  const hv = f32x4.mul(og, tanh4(cv));
  store4(c, cv, rem); store4(h, hv, rem); store4(y, hv, rem); store4(cells, cv, rem);
}

/**
 * LSTM backward step. Writes dz_t to dx [B,4H] (zeros on padded rows) and turns dc [B,H] into the
 * cell gradient entering step t; the caller then forms dh_{t-1} = dz_t·W_hh.
 */
export function lstmBackward(dx: usize, gates: usize, cells: usize, cPrev: usize, dy: usize, dh: usize, dc: usize, mask: usize, B: i32, H: i32): void {
  const hb = <usize>H << 2;
  const one = kc(K_ONE);
  for (let b = 0; b < B; b++) {
    const gr = <usize>b * 4 * hb, sr = <usize>b * hb;
    if (!isOn(mask, b)) {
      memory.fill(dx + gr, 0, 4 * hb);
      continue;
    }
    // tanh(c_t) first, parked in dx's o-gate block (written last below): the transcendental in its
    // own loop, as in the forward step.
    actRange(cells + sr, dx + gr + 3 * hb, H, true);
    for (let j = 0; j < H; j += 4) {
      const rem = H - j, o4 = <usize>j << 2;
      const ig = load4(gates + gr + o4, rem), fg = load4(gates + gr + hb + o4, rem);
      const gg = load4(gates + gr + 2 * hb + o4, rem), og = load4(gates + gr + 3 * hb + o4, rem);
      const tc = load4(dx + gr + 3 * hb + o4, rem);
      const dht = f32x4.add(load4(dh + sr + o4, rem), load4(dy + sr + o4, rem));
      const dct = f32x4.add(load4(dc + sr + o4, rem), f32x4.mul(f32x4.mul(dht, og), f32x4.sub(one, f32x4.mul(tc, tc))));
      const cp = load4(cPrev + sr + o4, rem);
      store4(dx + gr + o4, ftz(f32x4.mul(f32x4.mul(dct, gg), f32x4.mul(ig, f32x4.sub(one, ig)))), rem);
      store4(dx + gr + hb + o4, ftz(f32x4.mul(f32x4.mul(dct, cp), f32x4.mul(fg, f32x4.sub(one, fg)))), rem);
      store4(dx + gr + 2 * hb + o4, ftz(f32x4.mul(f32x4.mul(dct, ig), f32x4.sub(one, f32x4.mul(gg, gg)))), rem);
      store4(dx + gr + 3 * hb + o4, ftz(f32x4.mul(f32x4.mul(dht, tc), f32x4.mul(og, f32x4.sub(one, og)))), rem);
      store4(dc + sr + o4, ftz(f32x4.mul(dct, fg)), rem);
    }
  }
}

/**
 * GRU forward step. x [B,3H] holds xProj_t (x·W_ihᵀ + b_ih) and receives the activated gates;
 * hh [B,3H] = h·W_hhᵀ; bias = b_hh [3H]; hLin [B,H] receives W_hn·h + b_hn.
 */
export function gruForward(x: usize, hh: usize, bias: usize, h: usize, y: usize, hLin: usize, mask: usize, B: i32, H: i32): void {
  const hb = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const on = isOn(mask, b);
    const gr = <usize>b * 3 * hb, sr = <usize>b * hb;
    // r and z first (2H contiguous floats), one transcendental per iteration as in lstmForward.
    let j = 0;
    for (; j + 8 <= 2 * H; j += 8) { // two vectors per iteration, as in actRange
      const o4 = <usize>j << 2;
      const a = sigmoid4(f32x4.add(v128.load(x + gr + o4), f32x4.add(v128.load(hh + gr + o4), v128.load(bias + o4))));
      const b = sigmoid4(f32x4.add(v128.load(x + gr + o4, 16), f32x4.add(v128.load(hh + gr + o4, 16), v128.load(bias + o4, 16))));
      v128.store(x + gr + o4, a);
      v128.store(x + gr + o4, b, 16);
    }
    for (; j < 2 * H; j += 4) {
      const rem = 2 * H - j, o4 = <usize>j << 2;
      store4(x + gr + o4, sigmoid4(f32x4.add(load4(x + gr + o4, rem), f32x4.add(load4(hh + gr + o4, rem), load4(bias + o4, rem)))), rem);
    }
    for (let j = 0; j < H; j += 4) {
      const rem = H - j, o4 = <usize>j << 2;
      const r = load4(x + gr + o4, rem), z = load4(x + gr + hb + o4, rem);
      const lin = f32x4.add(load4(hh + gr + 2 * hb + o4, rem), load4(bias + 2 * hb + o4, rem));
      const n = tanh4(f32x4.add(load4(x + gr + 2 * hb + o4, rem), f32x4.mul(r, lin)));
      store4(x + gr + 2 * hb + o4, n, rem);
      store4(hLin + sr + o4, lin, rem);
      if (on) {
        const hv = f32x4.add(n, f32x4.mul(z, f32x4.sub(load4(h + sr + o4, rem), n)));
        store4(h + sr + o4, hv, rem); store4(y + sr + o4, hv, rem);
      } else {
        store4(y + sr + o4, f32x4.splat(0), rem);
      }
    }
  }
}

/**
 * GRU backward step: dx [B,3H] (input-side pre-activation grads), dhh [B,3H] (hidden-side, whose
 * n block carries the reset gate), direct [B,H] = dh_t ⊙ z (the skip path to h_{t-1}).
 */
export function gruBackward(dx: usize, dhh: usize, direct: usize, gates: usize, hLin: usize, hPrev: usize, dy: usize, dh: usize, mask: usize, B: i32, H: i32): void {
  const hb = <usize>H << 2;
  const one = kc(K_ONE);
  for (let b = 0; b < B; b++) {
    const gr = <usize>b * 3 * hb, sr = <usize>b * hb;
    if (!isOn(mask, b)) {
      memory.fill(dx + gr, 0, 3 * hb);
      memory.fill(dhh + gr, 0, 3 * hb);
      continue;
    }
    for (let j = 0; j < H; j += 4) {
      const rem = H - j, o4 = <usize>j << 2;
      const r = load4(gates + gr + o4, rem), z = load4(gates + gr + hb + o4, rem), n = load4(gates + gr + 2 * hb + o4, rem);
      const dht = f32x4.add(load4(dh + sr + o4, rem), load4(dy + sr + o4, rem));
      const dn = f32x4.mul(f32x4.mul(dht, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
      const dr = f32x4.mul(f32x4.mul(dn, load4(hLin + sr + o4, rem)), f32x4.mul(r, f32x4.sub(one, r)));
      const dz = f32x4.mul(f32x4.mul(dht, f32x4.sub(load4(hPrev + sr + o4, rem), n)), f32x4.mul(z, f32x4.sub(one, z)));
      store4(dx + gr + o4, ftz(dr), rem); store4(dx + gr + hb + o4, ftz(dz), rem); store4(dx + gr + 2 * hb + o4, ftz(dn), rem);
      store4(dhh + gr + o4, ftz(dr), rem); store4(dhh + gr + hb + o4, ftz(dz), rem); store4(dhh + gr + 2 * hb + o4, ftz(f32x4.mul(dn, r)), rem);
      store4(direct + sr + o4, ftz(f32x4.mul(dht, z)), rem);
    }
  }
}

/** dh[r] = direct[r] + dhh[r] on active rows (the GRU's two paths into h_{t-1}). */
export function addRowsMasked(dh: usize, direct: usize, dhh: usize, mask: usize, B: i32, H: i32): void {
  const hb = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    if (!isOn(mask, b)) continue;
    const sr = <usize>b * hb;
    for (let j = 0; j < H; j += 4) {
      const rem = H - j, o = sr + (<usize>j << 2);
      store4(dh + o, ftz(f32x4.add(load4(direct + o, rem), load4(dhh + o, rem))), rem);
    }
  }
}

/** Elman forward step: pre [B,H] = xProj_t + h·W_hhᵀ → h, y (tanh, or relu when relu ≠ 0). */
export function rnnForward(pre: usize, h: usize, y: usize, mask: usize, B: i32, H: i32, relu: i32): void {
  const hb = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const on = isOn(mask, b), sr = <usize>b * hb;
    for (let j = 0; j < H; j += 4) {
      const rem = H - j, o = sr + (<usize>j << 2);
      const p = load4(pre + o, rem);
      // f32x4.max propagates NaN, as torch.relu does.
      const v = relu ? f32x4.max(p, f32x4.splat(0)) : tanh4(p);
      if (on) { store4(h + o, v, rem); store4(y + o, v, rem); } else store4(y + o, f32x4.splat(0), rem);
    }
  }
}

/** Elman backward step: dx [B,H] = (dh + dy) ⊙ act'(y) on active rows, zeros elsewhere. */
export function rnnBackward(dx: usize, y: usize, dy: usize, dh: usize, mask: usize, B: i32, H: i32, relu: i32): void {
  const hb = <usize>H << 2;
  const one = kc(K_ONE);
  for (let b = 0; b < B; b++) {
    const sr = <usize>b * hb;
    if (!isOn(mask, b)) {
      memory.fill(dx + sr, 0, hb);
      continue;
    }
    for (let j = 0; j < H; j += 4) {
      const rem = H - j, o = sr + (<usize>j << 2);
      const yv = load4(y + o, rem);
      const dht = f32x4.add(load4(dh + o, rem), load4(dy + o, rem));
      const d = relu ? v128.and(dht, f32x4.gt(yv, f32x4.splat(0))) : f32x4.mul(dht, f32x4.sub(one, f32x4.mul(yv, yv)));
      store4(dx + o, ftz(d), rem);
    }
  }
}
