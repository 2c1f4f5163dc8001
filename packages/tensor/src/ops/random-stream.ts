/** Where a random op's counters come from (shared by the creation ops and dropout). */
import { ENGINE } from '../engine.js';

/** An explicit seed starts at counter 0; otherwise the global stream (setSeed) advances by `size`. */
export function streamFor(size: number, seed?: number): { seed: number; offset: number } {
  if (seed !== undefined) return { seed: seed >>> 0, offset: 0 };
  const offset = ENGINE.randomCounter;
  ENGINE.randomCounter += size;
  return { seed: ENGINE.seed, offset };
}
