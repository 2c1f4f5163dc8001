/**
 * Counter-based random numbers: element i of a stream is a pure function of (seed, offset + i),
 * so every backend (JS here, WGSL on the GPU) produces the same numbers, in any order, in parallel.
 * The mixer is a 32-bit integer hash (multiply/xorshift rounds) using only u32 wrap-around math.
 */
export function hashU32(seed: number, counter: number): number {
  let x = (counter ^ Math.imul(seed ^ 0x5bd1e995, 0x9e3779b9)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  x ^= x >>> 15;
  x = Math.imul(x ^ (seed >>> 0), 0x9e3779b9);
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/** Uniform in [0, 1) with 24 random bits (exact in float32). */
export function uniformAt(seed: number, counter: number): number {
  return (hashU32(seed, counter) >>> 8) * 5.960464477539063e-8;
}

/** Standard normal via Box–Muller on counters 2i and 2i+1 (u1 never 0). */
export function normalAt(seed: number, counter: number): number {
  const u1 = ((hashU32(seed, 2 * counter) >>> 8) + 0.5) * 5.960464477539063e-8;
  const u2 = (hashU32(seed, 2 * counter + 1) >>> 8) * 5.960464477539063e-8;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** WGSL twin of `hashU32`, `uniformAt` and `normalAt` (kept next to the JS for review). */
export const WGSL_RANDOM = /* wgsl */ `
fn hash_u32(seed: u32, counter: u32) -> u32 {
  var x = counter ^ ((seed ^ 0x5bd1e995u) * 0x9e3779b9u);
  x = (x ^ (x >> 16u)) * 0x21f0aaadu;
  x = (x ^ (x >> 15u)) * 0x735a2d97u;
  x = x ^ (x >> 15u);
  x = (x ^ seed) * 0x9e3779b9u;
  x = (x ^ (x >> 16u)) * 0x21f0aaadu;
  x = (x ^ (x >> 15u)) * 0x735a2d97u;
  return x ^ (x >> 15u);
}
fn uniform_at(seed: u32, counter: u32) -> f32 {
  return f32(hash_u32(seed, counter) >> 8u) * 5.960464477539063e-8;
}
fn normal_at(seed: u32, counter: u32) -> f32 {
  let u1 = (f32(hash_u32(seed, 2u * counter) >> 8u) + 0.5) * 5.960464477539063e-8;
  let u2 = f32(hash_u32(seed, 2u * counter + 1u) >> 8u) * 5.960464477539063e-8;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
`;
