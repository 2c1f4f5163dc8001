import { describe, expect, it } from 'vitest';
import { builtinCorpus, syntheticReviews } from '../index.js';

describe('synthetic sentiment corpus', () => {
  it('is deterministic per seed and roughly balanced', () => {
    const a = syntheticReviews({ count: 400, seed: 3 });
    const b = syntheticReviews({ count: 400, seed: 3 });
    const c = syntheticReviews({ count: 400, seed: 4 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const pos = a.filter((r) => r.label === 1).length;
    expect(pos).toBeGreaterThan(160);
    expect(pos).toBeLessThan(240);
    expect(a.every((r) => r.text.length > 0 && (r.label === 0 || r.label === 1))).toBe(true);
  });
  it('gives train/test splits of the requested sizes', () => {
    const { train, test } = builtinCorpus({ train: 300, test: 100 });
    expect(train).toHaveLength(300);
    expect(test).toHaveLength(100);
  });
  it('rejects a bad count', () => {
    expect(() => syntheticReviews({ count: -1, seed: 1 })).toThrow(/count must be a non-negative integer/);
  });
});
