/** Seeded train/validation split. */
import { permutation } from './rng.js';

/**
 * Splits items into `[train, valid]` after a seeded shuffle; train gets `round(ratio · n)` items, as
 * torchtext's `Dataset.split(split_ratio=0.7)` (17,500 / 7,500 for IMDB's 25,000). Pure: the input is not
 * modified, and the same seed gives the same split.
 *
 * @example
 * const [train, valid] = splitTrainValid(examples, 0.7, 1234);
 */
export function splitTrainValid<T>(items: readonly T[], ratio = 0.7, seed = 0): [T[], T[]] {
  if (!(ratio > 0 && ratio < 1)) throw new Error(`splitTrainValid: ratio must be in (0, 1), got ${ratio}`);
  const perm = permutation(items.length, seed);
  const nTrain = Math.round(ratio * items.length);
  const train: T[] = [];
  const valid: T[] = [];
  perm.forEach((i, k) => (k < nTrain ? train : valid).push(items[i]!));
  return [train, valid];
}
