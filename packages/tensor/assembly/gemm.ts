// Single-precision matrix products for the CPU backend, compiled by AssemblyScript to WebAssembly
// with 128-bit SIMD. Pointers are byte offsets into the imported memory, which the TypeScript side
// manages (src/cpu/wasm/runtime.ts).
//
// Layout: B is packed once into panels of NR = 8 columns, K split into blocks of KC rows, so the
// inner loop reads one contiguous 8-float row of B per step of k; A is packed MR = 4 rows at a
// time into a small scratch block (one contiguous 4-float group per step of k), each element
// broadcast with load32_splat. With relaxed SIMD the multiply-add
// is one fused instruction (relaxed_madd); without it, a mul and an add.

const KC: i32 = 256;
const NR: i32 = 8;
const MR: i32 = 4;

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

// Stores a tile row at cp; with acc, adds the values at sp first (sp = cp, or the caller's separate
// starting C for the first k block: xProj rows, a bias row).
@inline function finish(cp: usize, sp: usize, v0: v128, v1: v128, nc: i32, acc: bool): void {
  if (nc == NR) {
    if (acc) {
      v0 = f32x4.add(v0, v128.load(sp));
      v1 = f32x4.add(v1, v128.load(sp, 16));
    }
    v128.store(cp, v0);
    v128.store(cp, v1, 16);
    return;
  }
  // Partial panel (n not a multiple of 8): lane by lane, with no scratch memory, so threads that
  // share this memory can run gemm at the same time.
  storeLanes(cp, sp, v0, nc, acc);
  if (nc > 4) storeLanes(cp + 16, sp + 16, v1, nc - 4, acc);
}

@inline function storeLane(p: usize, s: usize, v: f32, acc: bool): void {
  store<f32>(p, acc ? load<f32>(s) + v : v);
}

@inline function storeLanes(p: usize, s: usize, v: v128, n: i32, acc: bool): void {
  storeLane(p, s, f32x4.extract_lane(v, 0), acc);
  if (n > 1) storeLane(p + 4, s + 4, f32x4.extract_lane(v, 1), acc);
  if (n > 2) storeLane(p + 8, s + 8, f32x4.extract_lane(v, 2), acc);
  if (n > 3) storeLane(p + 12, s + 12, f32x4.extract_lane(v, 3), acc);
}

/** Floats of scratch one gemm call needs for its packed rows of A (MR rows × KC). */
export function packedASize(): i32 {
  return MR * KC;
}

// Copies rows [i, i + mr) of op(A), columns [kb, kb + kc), into `dst` as kc groups of MR floats
// (row r of group p is A[i + r, kb + p]); rows past mr are zero so the kernel needs no row tail.
function packA(a: usize, lda: i32, transA: i32, i: i32, mr: i32, kb: i32, kc: i32, dst: usize): void {
  if (transA && mr == MR) {
    // op(A) = Aᵀ: the MR values of one k are contiguous in memory.
    let src = a + (<usize>(kb * lda + i) << 2);
    for (let p = 0; p < kc; p++) {
      v128.store(dst, v128.load(src));
      src += <usize>lda << 2;
      dst += 16;
    }
    return;
  }
  if (!transA && mr == MR) {
    // Four rows of 4 k-values become 4 groups of 4 rows: a 4×4 transpose per step of 4.
    const la = <usize>lda << 2;
    const a0 = a + (<usize>(i * lda + kb) << 2);
    let p = 0;
    for (; p + 4 <= kc; p += 4) {
      const s = a0 + (<usize>p << 2);
      const r0 = v128.load(s), r1 = v128.load(s + la), r2 = v128.load(s + 2 * la), r3 = v128.load(s + 3 * la);
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
      const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
      v128.store(dst, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
      v128.store(dst, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
      v128.store(dst, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
      v128.store(dst, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
      dst += 64;
    }
    for (; p < kc; p++) {
      for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), load<f32>(a0 + (<usize>(r * lda + p) << 2)));
      dst += 16;
    }
    return;
  }
  for (let p = 0; p < kc; p++) {
    for (let r = 0; r < MR; r++) {
      let v: f32 = 0;
      if (r < mr) v = transA ? load<f32>(a + (<usize>((kb + p) * lda + i + r) << 2)) : load<f32>(a + (<usize>((i + r) * lda + kb + p) << 2));
      store<f32>(dst + (<usize>r << 2), v);
    }
    dst += 16;
  }
}

// MR (4) rows × NR (8) columns of C over kc steps of k, A packed by packA. Twelve live vectors (8
// accumulators, 2 of B, 4 broadcasts of A) fit V8's 15 allocatable xmm registers even though it
// issues every load of an iteration first; the 6-row tile it replaces spilled accumulators to the
// stack each step and ran ~1.6× slower (measured in isolation, same packed B).
function kernel4(ap: usize, bp: usize, kc: i32, cp: usize, ldc: i32, sp: usize, lds: i32, mr: i32, nc: i32, acc: bool): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let av = v128.load32_splat(ap); c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(ap, 4); c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(ap, 8); c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(ap, 12); c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    ap += 16; bp += 32;
  }
  const lc = <usize>ldc << 2, ls = <usize>lds << 2;
  finish(cp, sp, c00, c01, nc, acc);
  if (mr > 1) finish(cp + lc, sp + ls, c10, c11, nc, acc);
  if (mr > 2) finish(cp + 2 * lc, sp + 2 * ls, c20, c21, nc, acc);
  if (mr > 3) finish(cp + 3 * lc, sp + 3 * ls, c30, c31, nc, acc);
}

// One row of C (m = 1: the batch-1 recurrent step; leftover rows) by 4-column vectors of packed B,
// three at a time. Each vector sums even k and odd k in two chains, added at the end (the order the
// results are pinned to; test/gemm-matvec-order.test.ts). Three vectors give six independent chains
// (the product is latency-bound: 12 % faster than two vectors) in 14 live vectors, within what V8
// keeps in registers when it issues an iteration's loads first; four (8 chains) spill, and ran
// 1.6× slower.
@inline function vecAt(bBlock: usize, kc: i32, q: i32): usize {
  return bBlock + (<usize>((q >> 1) * kc * NR + (q & 1) * 4) << 2);
}

@inline function finishVec(cp: usize, sp: usize, v: v128, lanes: i32, acc: bool): void {
  if (lanes < 4) {
    storeLanes(cp, sp, v, lanes, acc);
    return;
  }
  v128.store(cp, acc ? f32x4.add(v, v128.load(sp)) : v);
}

function row3(ap: usize, bBlock: usize, kc: i32, cp: usize, sp: usize, q: i32, n: i32, acc: bool): void {
  let p0 = vecAt(bBlock, kc, q), p1 = vecAt(bBlock, kc, q + 1), p2 = vecAt(bBlock, kc, q + 2);
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, d0 = c0, d1 = c0, d2 = c0;
  let p = 0;
  for (; p + 2 <= kc; p += 2) {
    let av = v128.load32_splat(ap);
    c0 = madd(av, v128.load(p0), c0); c1 = madd(av, v128.load(p1), c1); c2 = madd(av, v128.load(p2), c2);
    av = v128.load32_splat(ap, 4);
    d0 = madd(av, v128.load(p0, 32), d0); d1 = madd(av, v128.load(p1, 32), d1); d2 = madd(av, v128.load(p2, 32), d2);
    ap += 8; p0 += 64; p1 += 64; p2 += 64;
  }
  if (p < kc) {
    const av = v128.load32_splat(ap);
    c0 = madd(av, v128.load(p0), c0); c1 = madd(av, v128.load(p1), c1); c2 = madd(av, v128.load(p2), c2);
  }
  const c = cp + (<usize>q << 4), sv = sp + (<usize>q << 4);
  finishVec(c, sv, f32x4.add(c0, d0), min(4, n - 4 * q), acc);
  finishVec(c + 16, sv + 16, f32x4.add(c1, d1), min(4, n - 4 * q - 4), acc);
  finishVec(c + 32, sv + 32, f32x4.add(c2, d2), min(4, n - 4 * q - 8), acc);
}

function row1(ap: usize, bBlock: usize, kc: i32, cp: usize, sp: usize, q: i32, n: i32, acc: bool): void {
  let p0 = vecAt(bBlock, kc, q);
  let c0 = f32x4.splat(0), d0 = c0;
  let p = 0;
  for (; p + 2 <= kc; p += 2) {
    c0 = madd(v128.load32_splat(ap), v128.load(p0), c0);
    d0 = madd(v128.load32_splat(ap, 4), v128.load(p0, 32), d0);
    ap += 8; p0 += 64;
  }
  if (p < kc) c0 = madd(v128.load32_splat(ap), v128.load(p0), c0);
  finishVec(cp + (<usize>q << 4), sp + (<usize>q << 4), f32x4.add(c0, d0), min(4, n - 4 * q), acc);
}

/**
 * C[m×n] (+)= op(A)[m×k] · B, with B packed by packB. op(A) is A [m,k] row-major with leading
 * dimension lda, or Aᵀ when transA (A stored [k,m]). `pa` is packedASize() floats of scratch
 * owned by this call, so worker threads may run gemm at the same time with their own `pa`.
 * Columns [n0, n1) only (n0 a multiple of 8), so threads can split the panels between them.
 * With `accumulate` and `cin` ≠ 0, the starting C is read from cin (leading dimension ldcin; 0
 * repeats one row, a bias) instead of c, in the same order as if it had been copied into c first:
 * the fused layers' xProj and Linear's bias need no copy pass.
 */
export function gemm(m: i32, n: i32, k: i32, a: usize, lda: i32, transA: i32, pb: usize, c: usize, ldc: i32, accumulate: i32, n0: i32, n1: i32, pa: usize, cin: usize, ldcin: i32): void {
  const np = (n + NR - 1) / NR;
  const j0 = n0 / NR, j1 = (n1 + NR - 1) / NR;
  if (k == 0) {
    for (let i = 0; i < m; i++) {
      const row = c + (<usize>(i * ldc + n0) << 2), bytes = <usize>(n1 - n0) << 2;
      if (!accumulate) memory.fill(row, 0, bytes);
      else if (cin) memory.copy(row, cin + (<usize>(i * ldcin + n0) << 2), bytes);
    }
    return;
  }
  for (let kb = 0; kb < k; kb += KC) {
    const kc = min(KC, k - kb);
    const acc = accumulate != 0 || kb > 0;
    const fromIn = kb == 0 && cin != 0;
    const s0 = fromIn ? cin : c, lds = fromIn ? ldcin : ldc;
    const bBlock = pb + (<usize>(kb * np * NR) << 2);
    // A single row left over (or m = 1, the batch-1 recurrent step) reads A in place: padding it to
    // four rows would quadruple its work.
    const packedRows = !transA && (m & 3) == 1 ? m - 1 : m;
    for (let i = 0; i < packedRows; i += MR) {
      const mr = min(MR, packedRows - i);
      packA(a, lda, transA, i, mr, kb, kc, pa);
      const cp = c + (<usize>(i * ldc) << 2), sp = s0 + (<usize>(i * lds) << 2);
      for (let j = j0; j < j1; j++) {
        const o = <usize>(j * NR) << 2;
        kernel4(pa, bBlock + (<usize>(j * kc * NR) << 2), kc, cp + o, ldc, sp + o, lds, mr, min(NR, n - j * NR), acc);
      }
    }
    if (packedRows < m) {
      const i = m - 1;
      const ap = a + (<usize>(i * lda + kb) << 2);
      const cp = c + (<usize>(i * ldc) << 2), sp = s0 + (<usize>(i * lds) << 2);
      // 4-column vectors [q0, q1) cover panels [j0, j1) up to column n.
      const q1 = (min(n, j1 * NR) + 3) >> 2;
      let q = j0 * 2;
      for (; q + 3 <= q1; q += 3) row3(ap, bBlock, kc, cp, sp, q, n, acc);
      for (; q < q1; q++) row1(ap, bBlock, kc, cp, sp, q, n, acc);
    }
  }
}
