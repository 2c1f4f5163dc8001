/**
 * Seeded initialisers with PyTorch's distributions. A module built with `{ seed }` derives one
 * seed per parameter and per child from its own seed and the name (so the same seed rebuilds the
 * same weights whatever else ran before); without a seed the global stream (`setSeed`) is used.
 * PyTorch's generator differs, so the numbers differ from PyTorch's; the distributions match.
 */
import { randomNormal, randomUniform, type Tensor } from '@recur/tensor';
import { hashU32 } from '@recur/tensor/backend';

/** A stable 32-bit seed for `name` under `seed` (FNV-1a of the name, mixed with the seed). */
export function deriveSeed(seed: number | undefined, name: string): number | undefined {
  if (seed === undefined) return undefined;
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hashU32(seed >>> 0, h);
}

/** U(−bound, bound): PyTorch's RNN init (bound 1/√H) and Linear's (bound 1/√fan_in). */
export function uniformInit(shape: readonly number[], bound: number, seed?: number): Tensor {
  return randomUniform(shape, -bound, bound, seed === undefined ? {} : { seed });
}

/** N(0, std²): PyTorch's Embedding init (std 1). */
export function normalInit(shape: readonly number[], std: number, seed?: number): Tensor {
  return randomNormal(shape, 0, std, seed === undefined ? {} : { seed });
}
