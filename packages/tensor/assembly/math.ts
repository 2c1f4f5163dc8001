// Vectorised transcendental functions for the recurrent cell kernels (f32x4). Accuracy: a few
// units in the last place of f32 (about 2e-7 absolute near 0 for tanh); NaN propagates.

const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693145752;
const LN2_LO: f32 = 1.42860677e-6;

// 1.5·2^23: adding it rounds a float in (−2^22, 2^22) to an integer held in the low mantissa bits.
const ROUNDER: f32 = 12582912.0;

// Constants of the vector math live in the data segment and are read with load32_splat: V8
// rebuilds a v128.const in a loop from two 64-bit immediates each time (≈4 instructions), while a
// broadcast load from L1 is one.
const K = memory.data<f32>([
  88.0, -87.0, LOG2E, ROUNDER, LN2_HI, LN2_LO,
  1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 2.0,
]);
const EXP_BIAS = memory.data<i32>([127, 127, 127, 127]);
export const K_ONE = 11;
export const K_TWO = 12;

/** The vector constant number `i` of the table above, broadcast. */
@inline export function kc(i: i32): v128 {
  return v128.load32_splat(K + (<usize>i << 2));
}

@inline function fma4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * e^x: 2^n · p(r) with n = round(x·log2 e), r = x − n·ln 2, p a degree-6 Taylor polynomial.
 * Written for V8's x64 code: pmin/pmax are one instruction each (min/max are ~7 for their NaN and
 * −0 rules; pmin/pmax still return x when x is NaN), and the rounding trick replaces
 * nearest + trunc_sat (≈10 instructions) with an add: the integer n sits in the low bits of t.
 */
@inline export function exp4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, kc(0)), kc(1));
  const t = fma4(x, kc(2), kc(3));
  const n = f32x4.sub(t, kc(3));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, kc(4))), f32x4.mul(n, kc(5)));
  let p = fma4(kc(6), r, kc(7));
  p = fma4(p, r, kc(8));
  p = fma4(p, r, kc(9));
  p = fma4(p, r, kc(10));
  p = fma4(p, r, kc(11));
  p = fma4(p, r, kc(11));
  // t's bits are ROUNDER's + n; (bits + 127) << 23 is 2^n (ROUNDER's own bits shift out).
  const scale = i32x4.shl(i32x4.add(t, v128.load(EXP_BIAS)), 23);
  return f32x4.mul(p, scale);
}

/** 1 / (1 + e^−x). */
@inline export function sigmoid4(x: v128): v128 {
  const one = kc(K_ONE);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/** tanh x = 1 − 2 / (e^{2x} + 1). */
@inline export function tanh4(x: v128): v128 {
  const one = kc(K_ONE);
  return f32x4.sub(one, f32x4.div(kc(K_TWO), f32x4.add(exp4(f32x4.add(x, x)), one)));
}

/**
 * The flush threshold: one word below the arena, shared by every instance on this memory (worker
 * threads), and not in a data segment (a worker's instantiation would rewrite it). It is the
 * smallest normal float (FTZ/DAZ) except while a backward kernel runs; see setFlushBelow.
 */
const FLUSH_AT: usize = 65532;

/**
 * Sets the flush threshold to max(x, smallest normal float). Backward kernels raise it to
 * 2^-64 × their largest incoming gradient / max(1, largest |W_hh|): gradients that vanish through
 * time pass through 1e-30…1e-38 before they are subnormal, and their products with weights are
 * subnormal, which x86 handles in microcode (≈100× slower: one W2 step took 76 s instead of ~10).
 * Entries that small change no result by more than 2^-64 of the gradient's own scale.
 */
export function setFlushBelow(x: f32): void {
  store<f32>(FLUSH_AT, x >= 1.17549435e-38 && x < Infinity ? x : 1.17549435e-38);
}

/**
 * Zeroes lanes below the flush threshold in magnitude (NaN and ±Inf pass). x86 handles subnormal
 * floats in microcode, about 100× slower, and backpropagation through long sequences produces
 * them in bulk (vanishing gradients), so the kernels flush what they write, as BLAS libraries
 * with FTZ/DAZ do.
 */
@inline export function ftz(v: v128): v128 {
  return v128.andnot(v, f32x4.lt(f32x4.abs(v), v128.load32_splat(FLUSH_AT)));
}

/** Flushes floats below the flush threshold in [p, p + 4n) to zero, in place. */
export function flushDenormals(p: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(p, ftz(v128.load(p)));
    p += 16;
  }
  for (; i < n; i++) {
    store4(p, ftz(load4(p, 1)), 1);
    p += 4;
  }
}

/** Loads 4 floats, or `rem` (< 4) of them padded with zeros. */
@inline export function load4(p: usize, rem: i32): v128 {
  if (rem >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  if (rem > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (rem > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (rem > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores 4 floats, or the first `rem` (< 4) of them. */
@inline export function store4(p: usize, v: v128, rem: i32): void {
  if (rem >= 4) {
    v128.store(p, v);
    return;
  }
  if (rem > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (rem > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (rem > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** dst[r] = mask[r] ≠ 0 ? src[r] : dst[r] for rows of `cols` floats (padded rows keep their state); flushes subnormals. */
export function selectRows(dst: usize, src: usize, mask: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    if (load<f32>(mask + (<usize>r << 2)) == 0) continue;
    const o = <usize>(r * cols) << 2;
    for (let j = 0; j < cols; j += 4) {
      const q = o + (<usize>j << 2);
      store4(dst + q, ftz(load4(src + q, cols - j)), cols - j);
    }
  }
}

/** out[j] = Σ_r x[r, j] (bias gradients). */
export function colSum(x: usize, rows: i32, cols: i32, out: usize): void {
  memory.fill(out, 0, <usize>cols << 2);
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>(r * cols) << 2);
    for (let j = 0; j < cols; j += 4) {
      const o = out + (<usize>j << 2);
      store4(o, f32x4.add(load4(o, cols - j), load4(row + (<usize>j << 2), cols - j)), cols - j);
    }
  }
}

/**
 * Largest |x| over n floats at p (NaN when any is NaN); with `flush`, also flushDenormals in the
 * same pass (the gemm inputs' range check). pmax is one instruction (NaN-propagating max is ~7);
 * NaN lanes are caught by a separate mask instead.
 */
@inline function absMax(p: usize, n: i32, flush: bool): f32 {
  const thr = v128.load32_splat(FLUSH_AT);
  let m = f32x4.splat(0), nan = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p), a = f32x4.abs(v);
    if (flush) v128.store(p, v128.andnot(v, f32x4.lt(a, thr)));
    m = f32x4.pmax(m, a);
    nan = v128.or(nan, f32x4.ne(v, v));
    p += 16;
  }
  if (v128.any_true(nan)) return NaN;
  let r = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; i < n; i++) {
    const a = abs(load<f32>(p));
    if (a != a) return a;
    if (flush && a < load<f32>(FLUSH_AT)) store<f32>(p, 0);
    r = max(r, a);
    p += 4;
  }
  return r;
}

/** Largest |x| over n floats (NaN when any is NaN). */
export function maxAbs(p: usize, n: i32): f32 {
  return absMax(p, n, false);
}

/** flushDenormals and maxAbs in one pass. */
export function flushMaxAbs(p: usize, n: i32): f32 {
  return absMax(p, n, true);
}
