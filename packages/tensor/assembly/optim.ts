// The float32 Adam/AdamW step (no amsgrad) over arena arrays, in place: the same operations and
// roundings as the JS kernel in src/cpu/optim.ts (PyTorch 1.13's order, including the fused
// multiply-adds of its AVX2 code), so both give the same bits. A fused multiply-add of float32
// values is computed in float64 — the product is exact there — and rounded back, as the JS does.

@inline function fma64(a: v128, b: v128, c: v128): v128 {
  return f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(a), f64x2.promote_low_f32x4(b)), f64x2.promote_low_f32x4(c)));
}

/** a·b + c on 4 float32 lanes with one rounding to float32 (after an exact float64 product). */
@inline function fma4x(a: v128, b: v128, c: v128): v128 {
  const lo = fma64(a, b, c);
  const hi = fma64(i32x4.shuffle(a, a, 2, 3, 0, 1), i32x4.shuffle(b, b, 2, 3, 0, 1), i32x4.shuffle(c, c, 2, 3, 0, 1));
  return i32x4.shuffle(lo, hi, 0, 1, 4, 5);
}

@inline function fma1(a: f32, b: f32, c: f32): f32 {
  return <f32>(<f64>a * <f64>b + <f64>c);
}

/**
 * p, m, v ← one Adam step with gradient g, for n floats at byte offsets p, g, m, v.
 * mode: 0 no weight decay, 1 L2 (Adam: g ← l2·p + g), 2 decoupled (AdamW: p ← p·dm).
 * ns = −lr/(1−β₁ᵗ), bc2 = √(1−β₂ᵗ), c1 = 1−β₁, c2 = 1−β₂.
 */
export function adamStep(p: usize, g: usize, m: usize, v: usize, n: i32, mode: i32,
  b1: f32, c1: f32, b2: f32, c2: f32, bc2: f32, eps: f32, ns: f32, dm: f32, l2: f32): void {
  const B1 = f32x4.splat(b1), C1 = f32x4.splat(c1), B2 = f32x4.splat(b2), C2 = f32x4.splat(c2);
  const BC2 = f32x4.splat(bc2), EPS = f32x4.splat(eps), NS = f32x4.splat(ns), DM = f32x4.splat(dm), L2 = f32x4.splat(l2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let pi = v128.load(p + o), gi = v128.load(g + o);
    if (mode == 2) pi = f32x4.mul(pi, DM);
    else if (mode == 1) gi = fma4x(L2, pi, gi);
    const mi = fma4x(C1, gi, f32x4.mul(v128.load(m + o), B1));
    const vi = fma4x(f32x4.mul(C2, gi), gi, f32x4.mul(v128.load(v + o), B2));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), BC2), EPS);
    v128.store(p + o, f32x4.add(pi, f32x4.div(f32x4.mul(NS, mi), denom)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let pi = load<f32>(p + o), gi = load<f32>(g + o);
    if (mode == 2) pi = pi * dm;
    else if (mode == 1) gi = fma1(l2, pi, gi);
    const mi = fma1(c1, gi, load<f32>(m + o) * b1);
    const vi = fma1(c2 * gi, gi, load<f32>(v + o) * b2);
    const denom = sqrt<f32>(vi) / bc2 + eps;
    store<f32>(p + o, pi + (ns * mi) / denom);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
  }
}
