// Inverted dropout over the counter-based random stream of src/random.ts (hashU32), four lanes at
// a time: the same 32-bit multiply/xorshift rounds with i32 wrap-around, so the mask is the one
// the JS kernel (and the composite where/less/randomUniform) draws.
import { load4, store4 } from './math';

@inline function round(x: v128, shift: i32, k: i32): v128 {
  return i32x4.mul(v128.xor(x, i32x4.shr_u(x, shift)), i32x4.splat(k));
}

/**
 * out[i] = x[i]·scale where (hashU32(seed, offset + i) >>> 8) < keep, else 0, for n floats.
 * keep = ceil(threshold · 2^24): uniformAt = (hash >>> 8)·2^-24 < threshold compared on integers.
 * scale comes as its float32 bits (worker threads pass integer arguments only).
 */
export function dropout(x: usize, out: usize, n: i32, seed: i32, offset: i32, keep: i32, scaleBits: i32): void {
  const scale = reinterpret<f32>(scaleBits);
  const s1 = i32x4.splat((seed ^ 0x5bd1e995) * <i32>0x9e3779b9);
  const sd = i32x4.splat(seed);
  const K = i32x4.splat(keep), S = f32x4.splat(scale);
  let ctr = i32x4.add(i32x4.splat(offset), i32x4(0, 1, 2, 3));
  const four = i32x4.splat(4);
  // The last group of fewer than 4 goes through the same lanes, loaded and stored partially.
  for (let i = 0; i < n; i += 4) {
    let h = v128.xor(ctr, s1);
    h = round(h, 16, 0x21f0aaad);
    h = round(h, 15, 0x735a2d97);
    h = v128.xor(h, i32x4.shr_u(h, 15));
    h = i32x4.mul(v128.xor(h, sd), i32x4.splat(<i32>0x9e3779b9));
    h = round(h, 16, 0x21f0aaad);
    h = round(h, 15, 0x735a2d97);
    h = v128.xor(h, i32x4.shr_u(h, 15));
    const on = i32x4.lt_s(i32x4.shr_u(h, 8), K);
    const o = <usize>i << 2, rem = n - i;
    store4(out + o, v128.and(f32x4.mul(load4(x + o, rem), S), on), rem);
    ctr = i32x4.add(ctr, four);
  }
}
