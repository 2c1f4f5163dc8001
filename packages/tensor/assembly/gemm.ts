// Single-precision matrix products for the CPU backend, compiled by AssemblyScript to WebAssembly
// with 128-bit SIMD. Pointers are byte offsets into the imported memory, which the TypeScript side
// manages as an arena (src/cpu/wasm/runtime.ts).
//
// Layout: B is packed once into panels of NR = 8 columns, K split into blocks of KC rows, so the
// inner loop reads one contiguous 8-float row of B per step of k; A is read in place (row-major),
// 4 rows at a time, each element broadcast with load32_splat. With relaxed SIMD the multiply-add
// is one fused instruction (relaxed_madd); without it, a mul and an add.

const KC: i32 = 256;
const NR: i32 = 8;

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Floats needed by packB for a k×n matrix. */
export function packedSize(k: i32, n: i32): i32 {
  return ((n + NR - 1) / NR) * NR * k;
}

/** Packs op(B) (k×n; B is [k,n] row-major, or [n,k] when transB) into NR-column panels. */
export function packB(b: usize, ldb: i32, transB: i32, k: i32, n: i32, dst: usize): void {
  const np = (n + NR - 1) / NR;
  for (let kb = 0; kb < k; kb += KC) {
    const kc = min(KC, k - kb);
    for (let j = 0; j < np; j++) {
      let out = dst + (<usize>((kb * np + j * kc) * NR) << 2);
      const j0 = j * NR;
      const nc = min(NR, n - j0);
      if (!transB && nc == NR) {
        let src = b + (<usize>(kb * ldb + j0) << 2);
        for (let p = 0; p < kc; p++) {
          v128.store(out, v128.load(src));
          v128.store(out, v128.load(src, 16), 16);
          src += <usize>ldb << 2;
          out += 32;
        }
        continue;
      }
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) {
          let v: f32 = 0;
          if (q < nc) {
            v = transB ? load<f32>(b + (<usize>((j0 + q) * ldb + kb + p) << 2))
              : load<f32>(b + (<usize>((kb + p) * ldb + j0 + q) << 2));
          }
          store<f32>(out, v);
          out += 4;
        }
      }
    }
  }
}

/** dst [cols, rows] = src [rows, cols]ᵀ: 32×32 tiles of 4×4 SIMD blocks (eight shuffles), scalar edges. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  const r4 = rows & ~3, c4 = cols & ~3;
  const ls = <usize>cols << 2, ld = <usize>rows << 2;
  for (let rt = 0; rt < r4; rt += 32) {
    const re = min(r4, rt + 32);
    for (let ct = 0; ct < c4; ct += 32) {
      const ce = min(c4, ct + 32);
      for (let r = rt; r < re; r += 4) {
        for (let c = ct; c < ce; c += 4) {
          const s0 = src + (<usize>(r * cols + c) << 2);
          const a = v128.load(s0), b = v128.load(s0 + ls), e = v128.load(s0 + 2 * ls), f = v128.load(s0 + 3 * ls);
          const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5), t1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
          const t2 = i32x4.shuffle(e, f, 0, 4, 1, 5), t3 = i32x4.shuffle(e, f, 2, 6, 3, 7);
          const d0 = dst + (<usize>(c * rows + r) << 2);
          v128.store(d0, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
          v128.store(d0 + ld, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
          v128.store(d0 + 2 * ld, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
          v128.store(d0 + 3 * ld, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
        }
      }
    }
  }
  // Edges: the last rows % 4 rows (all columns) and the last cols % 4 columns (the other rows).
  for (let r = r4; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(dst + (<usize>(c * rows + r) << 2), load<f32>(src + (<usize>(r * cols + c) << 2)));
  }
  for (let r = 0; r < r4; r++) {
    for (let c = c4; c < cols; c++) store<f32>(dst + (<usize>(c * rows + r) << 2), load<f32>(src + (<usize>(r * cols + c) << 2)));
  }
}

@inline function finish(cp: usize, v0: v128, v1: v128, nc: i32, acc: bool): void {
  if (nc == NR) {
    if (acc) {
      v0 = f32x4.add(v0, v128.load(cp));
      v1 = f32x4.add(v1, v128.load(cp, 16));
    }
    v128.store(cp, v0);
    v128.store(cp, v1, 16);
    return;
  }
  // Partial panel (n not a multiple of 8): lane by lane, with no scratch memory, so threads that
  // share this memory can run gemm at the same time.
  storeLanes(cp, v0, nc, acc);
  if (nc > 4) storeLanes(cp + 16, v1, nc - 4, acc);
}

@inline function storeLane(p: usize, v: f32, acc: bool): void {
  store<f32>(p, acc ? load<f32>(p) + v : v);
}

@inline function storeLanes(p: usize, v: v128, n: i32, acc: bool): void {
  storeLane(p, f32x4.extract_lane(v, 0), acc);
  if (n > 1) storeLane(p + 4, f32x4.extract_lane(v, 1), acc);
  if (n > 2) storeLane(p + 8, f32x4.extract_lane(v, 2), acc);
  if (n > 3) storeLane(p + 12, f32x4.extract_lane(v, 3), acc);
}

// 4 rows × 8 columns of C over kc steps of k.
@inline function kernel4(ap: usize, lda: i32, bp: usize, kc: i32, cp: usize, ldc: i32, nc: i32, acc: bool): void {
  const la = <usize>lda << 2;
  let a0 = ap, a1 = ap + la, a2 = a1 + la, a3 = a2 + la;
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  let p = 0;
  for (; p + 2 <= kc; p += 2) {
    let b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let av = v128.load32_splat(a0); c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(a1); c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(a2); c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(a3); c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    b0 = v128.load(bp, 32); b1 = v128.load(bp, 48);
    av = v128.load32_splat(a0, 4); c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(a1, 4); c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(a2, 4); c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(a3, 4); c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    a0 += 8; a1 += 8; a2 += 8; a3 += 8; bp += 64;
  }
  if (p < kc) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let av = v128.load32_splat(a0); c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(a1); c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(a2); c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(a3); c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
  }
  const lc = <usize>ldc << 2;
  finish(cp, c00, c01, nc, acc);
  finish(cp + lc, c10, c11, nc, acc);
  finish(cp + 2 * lc, c20, c21, nc, acc);
  finish(cp + 3 * lc, c30, c31, nc, acc);
}

// 6 rows × 8 columns: 12 accumulators, unrolled by 4 over k. On V8/x64 the loop is bound by
// instructions issued rather than by the FP units: 4 rows × 8 and no unrolling ran at ~27 GFLOP/s
// with FMA, this at ~31 (≈ the 16 flop/cycle peak of 128-bit FMA on this 2 GHz core).
@inline function kernel6(ap: usize, lda: i32, bp: usize, kc: i32, cp: usize, ldc: i32, nc: i32, acc: bool): void {
  const la = <usize>lda << 2;
  let a0 = ap, a1 = ap + la, a2 = a1 + la, a3 = a2 + la, a4 = a3 + la, a5 = a4 + la;
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  let c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  let b0: v128, b1: v128, av: v128;
  let p = 0;
  // Unrolled by 4 so the six pointer increments and the loop test are paid once per 48 FMAs.
  for (; p + 4 <= kc; p += 4) {
    b0 = v128.load(bp); b1 = v128.load(bp, 16);
    av = v128.load32_splat(a0); c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(a1); c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(a2); c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(a3); c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    av = v128.load32_splat(a4); c40 = madd(av, b0, c40); c41 = madd(av, b1, c41);
    av = v128.load32_splat(a5); c50 = madd(av, b0, c50); c51 = madd(av, b1, c51);
    b0 = v128.load(bp, 32); b1 = v128.load(bp, 48);
    av = v128.load32_splat(a0, 4); c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(a1, 4); c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(a2, 4); c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(a3, 4); c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    av = v128.load32_splat(a4, 4); c40 = madd(av, b0, c40); c41 = madd(av, b1, c41);
    av = v128.load32_splat(a5, 4); c50 = madd(av, b0, c50); c51 = madd(av, b1, c51);
    b0 = v128.load(bp, 64); b1 = v128.load(bp, 80);
    av = v128.load32_splat(a0, 8); c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(a1, 8); c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(a2, 8); c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(a3, 8); c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    av = v128.load32_splat(a4, 8); c40 = madd(av, b0, c40); c41 = madd(av, b1, c41);
    av = v128.load32_splat(a5, 8); c50 = madd(av, b0, c50); c51 = madd(av, b1, c51);
    b0 = v128.load(bp, 96); b1 = v128.load(bp, 112);
    av = v128.load32_splat(a0, 12); c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(a1, 12); c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(a2, 12); c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(a3, 12); c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    av = v128.load32_splat(a4, 12); c40 = madd(av, b0, c40); c41 = madd(av, b1, c41);
    av = v128.load32_splat(a5, 12); c50 = madd(av, b0, c50); c51 = madd(av, b1, c51);
    a0 += 16; a1 += 16; a2 += 16; a3 += 16; a4 += 16; a5 += 16; bp += 128;
  }
  for (; p < kc; p++) {
    b0 = v128.load(bp); b1 = v128.load(bp, 16);
    av = v128.load32_splat(a0); c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(a1); c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(a2); c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(a3); c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    av = v128.load32_splat(a4); c40 = madd(av, b0, c40); c41 = madd(av, b1, c41);
    av = v128.load32_splat(a5); c50 = madd(av, b0, c50); c51 = madd(av, b1, c51);
    a0 += 4; a1 += 4; a2 += 4; a3 += 4; a4 += 4; a5 += 4; bp += 32;
  }
  const lc = <usize>ldc << 2;
  finish(cp, c00, c01, nc, acc);
  finish(cp + lc, c10, c11, nc, acc);
  finish(cp + 2 * lc, c20, c21, nc, acc);
  finish(cp + 3 * lc, c30, c31, nc, acc);
  finish(cp + 4 * lc, c40, c41, nc, acc);
  finish(cp + 5 * lc, c50, c51, nc, acc);
}

// 1 row × 8 columns (matrix-vector products and leftover rows); two chains hide add latency.
@inline function kernel1(ap: usize, bp: usize, kc: i32, cp: usize, nc: i32, acc: bool): void {
  let c0 = f32x4.splat(0), c1 = c0, d0 = c0, d1 = c0;
  let p = 0;
  for (; p + 2 <= kc; p += 2) {
    let av = v128.load32_splat(ap);
    c0 = madd(av, v128.load(bp), c0); c1 = madd(av, v128.load(bp, 16), c1);
    av = v128.load32_splat(ap, 4);
    d0 = madd(av, v128.load(bp, 32), d0); d1 = madd(av, v128.load(bp, 48), d1);
    ap += 8; bp += 64;
  }
  if (p < kc) {
    const av = v128.load32_splat(ap);
    c0 = madd(av, v128.load(bp), c0); c1 = madd(av, v128.load(bp, 16), c1);
  }
  finish(cp, f32x4.add(c0, d0), f32x4.add(c1, d1), nc, acc);
}

/**
 * C[m×n] (+)= A[m×k] · B, with B packed by packB and A row-major with leading dimension lda.
 * Uses no memory outside its arguments, so worker threads may call it concurrently.
 * Columns [n0, n1) only (n0 a multiple of 8), so threads can split the panels between them.
 */
export function gemm(m: i32, n: i32, k: i32, a: usize, lda: i32, pb: usize, c: usize, ldc: i32, accumulate: i32, n0: i32, n1: i32): void {
  const np = (n + NR - 1) / NR;
  const j0 = n0 / NR, j1 = (n1 + NR - 1) / NR;
  if (k == 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + (<usize>(i * ldc + n0) << 2), 0, <usize>(n1 - n0) << 2);
    return;
  }
  for (let kb = 0; kb < k; kb += KC) {
    const kc = min(KC, k - kb);
    const acc = accumulate != 0 || kb > 0;
    const bBlock = pb + (<usize>(kb * np * NR) << 2);
    let i = 0;
    // Rows in blocks of 6, then 4, then single rows; a remainder of 2 or 3 takes one 6-block back
    // so it becomes 4 + 4 (+ 1): the 1-row kernel is the slowest (m = 32: 6·4 + 4·2, not 6·5 + 1·2).
    let six = m / 6;
    if (six > 0 && (m - six * 6 == 2 || m - six * 6 == 3)) six--;
    for (; i < six * 6; i += 6) {
      const ap = a + (<usize>(i * lda + kb) << 2);
      const cp = c + (<usize>(i * ldc) << 2);
      for (let j = j0; j < j1; j++) {
        kernel6(ap, lda, bBlock + (<usize>(j * kc * NR) << 2), kc, cp + (<usize>(j * NR) << 2), ldc, min(NR, n - j * NR), acc);
      }
    }
    for (; i + 4 <= m; i += 4) {
      const ap = a + (<usize>(i * lda + kb) << 2);
      const cp = c + (<usize>(i * ldc) << 2);
      for (let j = j0; j < j1; j++) {
        kernel4(ap, lda, bBlock + (<usize>(j * kc * NR) << 2), kc, cp + (<usize>(j * NR) << 2), ldc, min(NR, n - j * NR), acc);
      }
    }
    for (; i < m; i++) {
      const ap = a + (<usize>(i * lda + kb) << 2);
      const cp = c + (<usize>(i * ldc) << 2);
      for (let j = j0; j < j1; j++) {
        kernel1(ap, bBlock + (<usize>(j * kc * NR) << 2), kc, cp + (<usize>(j * NR) << 2), min(NR, n - j * NR), acc);
      }
    }
  }
}
