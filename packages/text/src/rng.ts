/**
 * A tiny deterministic PRNG (a 32-bit counter hashed with a murmur3-style finaliser, in the spirit of
 * splitmix). Everything random in `@recur/text` (shuffles, splits, samples, `normal` init) takes a seed
 * and goes through this, never `Math.random`, so results repeat across runs and platforms.
 */
export interface Rng {
  /** Next 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform float in [0, 1). */
  uniform(): number;
  /** Integer in [0, n). */
  below(n: number): number;
  /** Standard normal sample (Box–Muller). */
  normal(): number;
}

/**
 * Creates a seeded generator. Seeds are mixed, so 0, 1, 2 give unrelated streams.
 *
 * @example
 * const rng = createRng(42);
 * rng.uniform(); // same value on every run
 */
export function createRng(seed: number): Rng {
  let state = mix(Math.trunc(seed) >>> 0 ^ 0x5bd1e995);
  let spare: number | null = null;
  const nextU32 = (): number => {
    state = (state + 0x9e3779b9) | 0;
    return mix(state);
  };
  const uniform = (): number => nextU32() / 4294967296;
  return {
    nextU32,
    uniform,
    below(n: number): number {
      if (!(n > 0)) throw new Error(`rng.below: n must be positive, got ${n}`);
      return Math.floor(uniform() * n);
    },
    normal(): number {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = uniform();
      while (u === 0) u = uniform();
      const v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

function mix(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Derives a child seed, e.g. one per epoch: `deriveSeed(seed, epoch)`. */
export function deriveSeed(seed: number, stream: number): number {
  return mix((Math.trunc(seed) >>> 0) ^ mix((stream + 0x632be5ab) | 0));
}

/** Fisher–Yates shuffle in place with the given generator; returns the array. */
export function shuffleInPlace<T>(items: T[] | Int32Array, rng: Rng): T[] | Int32Array {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

/** A seeded permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  shuffleInPlace(p, createRng(seed));
  return p;
}
