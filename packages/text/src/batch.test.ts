import { dispose, memory } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { BucketIterator, type Encoded, encodeExamples } from './batch.js';
import { splitTrainValid } from './split.js';
import { toBatchTensors } from './tensors.js';
import { Vocab } from './vocab.js';
import { basicEnglish } from './tokenize.js';

/** Example i has length (i * 7) % 23 + 1 and ids 10*i + t. */
function data(n: number): Encoded[] {
  return Array.from({ length: n }, (_, i) => ({ ids: Array.from({ length: ((i * 7) % 23) + 1 }, (_, t) => 10 * i + t), label: i % 2 }));
}

describe('splitTrainValid', () => {
  it('splits 70/30 by a seeded shuffle, purely and repeatably', () => {
    const items = Array.from({ length: 25_000 }, (_, i) => i);
    const [train, valid] = splitTrainValid(items, 0.7, 1234);
    expect([train.length, valid.length]).toEqual([17_500, 7_500]);
    expect(new Set([...train, ...valid]).size).toBe(25_000);
    expect(splitTrainValid(items, 0.7, 1234)[1]).toEqual(valid);
    expect(splitTrainValid(items, 0.7, 99)[1]).not.toEqual(valid);
    expect(items[0]).toBe(0);
    expect(() => splitTrainValid(items, 1.2)).toThrow(/ratio must be in \(0, 1\)/);
  });
});

describe('BucketIterator', () => {
  it('covers every example once per epoch, sorted longest-first in each batch, padded with <pad>', () => {
    const ex = data(1000);
    const it = new BucketIterator(ex, { batchSize: 32, padIndex: -7, seed: 3, bucketFactor: 4 });
    expect(it.length).toBe(32);
    const seen: number[] = [];
    for (const b of it.epoch(0)) {
      seen.push(...b.indices);
      expect(b.ids.length).toBe(b.seqLen * b.batchSize);
      expect(b.seqLen).toBe(b.lengths[0]);
      for (let k = 1; k < b.batchSize; k++) expect(b.lengths[k]!).toBeLessThanOrEqual(b.lengths[k - 1]!);
      for (let k = 0; k < b.batchSize; k++) {
        const e = ex[b.indices[k]!]!;
        expect(b.lengths[k]).toBe(e.ids.length);
        expect(b.labels[k]).toBe(e.label);
        for (let t = 0; t < b.seqLen; t++) expect(b.ids[t * b.batchSize + k]).toBe(t < e.ids.length ? e.ids[t] : -7);
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('buckets reduce padding, repeat per seed and epoch, and differ between epochs', () => {
    const ex = data(2000);
    const it = new BucketIterator(ex, { batchSize: 20, padIndex: 1, seed: 11 });
    const padFrac = (its: BucketIterator) => {
      let pad = 0, all = 0;
      for (const b of its.epoch(0)) { all += b.ids.length; pad += b.ids.length - b.lengths.reduce((s, x) => s + x, 0); }
      return pad / all;
    };
    expect(padFrac(it)).toBeLessThan(0.05);
    expect(padFrac(new BucketIterator(ex, { batchSize: 20, padIndex: 1, bucketFactor: 1 }))).toBeGreaterThan(0.3);
    const o = (e: number, seed = 11) => new BucketIterator(ex, { batchSize: 20, padIndex: 1, seed }).order(e).map((b) => Array.from(b));
    expect(o(0)).toEqual(it.order(0).map((b) => Array.from(b)));
    expect(o(1)).not.toEqual(o(0));
    expect(o(0, 12)).not.toEqual(o(0));
  });

  it('eval order (shuffle: false) sorts the whole set by length; batch-first layout; truncation and empties are counted', () => {
    const ex: Encoded[] = [{ ids: [5, 6, 7, 8], label: 1 }, { ids: [], label: 0 }, { ids: [9, 9] }];
    const it = new BucketIterator(ex, { batchSize: 3, padIndex: 1, unkIndex: 0, shuffle: false, maxLength: 3, batchFirst: true });
    const [b] = [...it];
    expect(it.stats).toEqual({ emptyReplaced: 1, truncated: 1 });
    expect(Array.from(b!.indices)).toEqual([0, 2, 1]);
    expect(Array.from(b!.lengths)).toEqual([3, 2, 1]);
    expect(Array.from(b!.ids)).toEqual([5, 6, 7, 9, 9, 1, 0, 1, 1]);
    expect(b!.labels[1]).toBeNaN();
    expect(() => new BucketIterator(ex, { batchSize: 2, padIndex: 1 })).toThrow(/example 1 is empty; pass unkIndex/);
    expect(() => new BucketIterator(ex, { batchSize: 0, padIndex: 1 })).toThrow(/batchSize must be a positive integer/);
  });

  it('hands batches over as int32/float32 tensors without leaking', async () => {
    const texts = [{ text: 'A good film.', label: 1 }, { text: 'Bad!', label: 0 }];
    const vocab = Vocab.build(texts.map((t) => basicEnglish(t.text)));
    const enc = encodeExamples(texts, basicEnglish, vocab);
    const before = memory().tensors;
    for (const batchFirst of [false, true]) {
      const [b] = [...new BucketIterator(enc, { batchSize: 2, padIndex: vocab.padIndex, batchFirst })];
      const t = toBatchTensors(b!);
      expect(t.ids.dtype).toBe('int32');
      expect(t.ids.shape).toEqual(batchFirst ? [2, 4] : [4, 2]);
      expect(t.lengths.dtype).toBe('int32');
      expect(Array.from(await t.lengths.data())).toEqual([4, 2]);
      expect(t.labels.dtype).toBe('float32');
      expect(Array.from(await t.labels.data())).toEqual([1, 0]);
      const ids = Array.from(await t.ids.data());
      const pad = vocab.padIndex;
      expect(ids).toEqual(batchFirst
        ? [...vocab.lookupIndices(['a', 'good', 'film', '.']), vocab.lookup('bad'), vocab.lookup('!'), pad, pad]
        : [vocab.lookup('a'), vocab.lookup('bad'), vocab.lookup('good'), vocab.lookup('!'), vocab.lookup('film'), pad, vocab.lookup('.'), pad]);
      dispose([t.ids, t.lengths, t.labels]);
    }
    expect(memory().tensors).toBe(before);
  });
});
