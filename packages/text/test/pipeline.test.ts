import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dispose, memory } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { basicEnglish, BucketIterator, encodeExamples, splitTrainValid, toBatchTensors, Vocab } from '../src/index.js';
import { loadVectors, readImdb } from '../src/node/index.js';
import { DATA, HAS_DATA } from './helpers/archives.js';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

describe.skipIf(!HAS_DATA)('the seed data pipeline on a sample of real IMDB + GloVe 6B 100d', () => {
  it('reads, splits 70/30, builds the vocab, aligns vectors and yields packed-LSTM batches', async () => {
    const train = await readImdb(path.join(DATA, 'imdb'), 'train', { limit: 400, sample: true, seed: 1 });
    const [tr, va] = splitTrainValid(train, 0.7, 1234);
    expect([tr.length, va.length]).toEqual([280, 120]);
    const vocab = Vocab.build(tr.map((x) => basicEnglish(x.text)), { maxSize: 25_000 });
    expect(vocab.tokens.slice(0, 3)).toEqual(['<unk>', '<pad>', 'the']);
    const { matrix, dim, coverage } = await loadVectors(path.join(DATA, 'glove', 'glove.6B.100d.top2604.txt'), vocab, { unknownInit: 'normal', seed: 7 });
    expect(dim).toBe(100);
    expect(matrix.length).toBe(vocab.size * 100);
    expect(coverage.exact + coverage.lowercase + coverage.missing).toBe(vocab.size - 2);
    expect(coverage.exact).toBeGreaterThan(1500); // the 100d file holds only the 2,604 most frequent GloVe words
    expect(matrix.subarray(0, 200).every((v) => v === 0)).toBe(true);
    const it = new BucketIterator(encodeExamples(tr, basicEnglish, vocab), { batchSize: 64, padIndex: vocab.padIndex, unkIndex: vocab.unkIndex, seed: 1 });
    const before = memory().tensors;
    let n = 0;
    for (const batch of it.epoch(0)) {
      const t = toBatchTensors(batch);
      expect(t.ids.shape).toEqual([batch.seqLen, batch.batchSize]);
      n += batch.batchSize;
      dispose([t.ids, t.lengths, t.labels]);
    }
    expect(n).toBe(280);
    expect(memory().tensors).toBe(before);
  });

  it('keeps the main entry free of Node modules (browser-safe)', () => {
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('node'));
    expect(files.length).toBeGreaterThan(8);
    for (const f of files) {
      const imports = [...readFileSync(path.join(src, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const i of imports) expect(i.startsWith('.') || i === '@recur/tensor', `${f} imports ${i}`).toBe(true);
      expect(imports.some((i) => i.includes('/node/')), f).toBe(false);
    }
  });
});
