import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { basicEnglish } from '@recur/text';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../src/args.js';
import { presetConfig } from '../src/config.js';
import { bagOfWordsBaseline } from '../src/data/bow.js';
import { builtinCorpus, syntheticReviews } from '../src/data/synthetic.js';
import { renderReport } from '../src/report/html.js';
import { checkpointDir, loadCheckpointFiles, saveCheckpointFiles } from '../src/train/checkpoint-files.js';
import { tempDir } from './helpers.js';

describe('built-in corpus', () => {
  it('is deterministic, balanced, and disjoint from its test set', () => {
    const a = syntheticReviews({ count: 300, seed: 7 });
    expect(syntheticReviews({ count: 300, seed: 7 })).toEqual(a);
    expect(syntheticReviews({ count: 300, seed: 8 })).not.toEqual(a);
    const pos = a.filter((x) => x.label === 1).length;
    expect(pos).toBeGreaterThan(120);
    expect(pos).toBeLessThan(180);
    const c = builtinCorpus();
    expect(c.train).toHaveLength(5000);
    expect(c.test).toHaveLength(2000);
    const seen = new Set(c.train.map((x) => x.text));
    expect(c.test.some((x) => seen.has(x.text))).toBe(false);
  });

  it('defeats a bag of words (which stays well below 80%)', () => {
    const c = builtinCorpus();
    const tok = (xs: { text: string }[]) => xs.map((x) => basicEnglish(x.text));
    const r = bagOfWordsBaseline(tok(c.train), c.train.map((x) => x.label), tok(c.test), c.test.map((x) => x.label));
    expect(r.testAccuracy).toBeGreaterThan(0.55);
    expect(r.testAccuracy).toBeLessThan(0.8);
  });

  it('the bag of words learns an order-free task', () => {
    const words = (l: number, i: number) => [l ? 'great' : 'awful', `w${i % 17}`, 'movie'];
    const xs = Array.from({ length: 200 }, (_, i) => words(i % 2, i));
    const ys = xs.map((_, i) => i % 2);
    expect(bagOfWordsBaseline(xs, ys, xs, ys).testAccuracy).toBe(1);
  });
});

describe('arguments', () => {
  it('rejects unknown options with one line naming the command help', () => {
    expect(() => parseCommand('train', ['--foo'], {}, { maxPositionals: 0 })).toThrow("unknown option '--foo' (see recur train --help)");
    expect(() => parseCommand('train', ['--epochs'], { epochs: { type: 'string', help: '' } }, { maxPositionals: 0 })).toThrow("option '--epochs' needs a value");
    expect(() => parseCommand('eval', ['a', 'b'], {}, { maxPositionals: 1 })).toThrow("unexpected argument 'b'");
  });

  it('knows the presets; unknown ones are usage errors', () => {
    expect(presetConfig('seed').model).toEqual({ cell: 'lstm', layers: 2, hidden: 256, embeddingDim: 100, bidirectional: true, dropout: 0.5 });
    expect(() => presetConfig('huge')).toThrow("unknown preset 'huge'");
  });
});

describe('checkpoint folders', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  const state = { epoch: 0, stepInEpoch: 3, step: 3, rng: { seed: 1, counter: 2 }, epochSums: { loss: 0, correct: 0, count: 0, tokens: 0, seconds: 0 }, bestValidAcc: -1, bestEpoch: -1, trainSeconds: 1, finished: false };

  it('round-trips and detects corruption', () => {
    saveCheckpointFiles(dir, 'last', { 'a.bin': new Uint8Array([1, 2, 3]) }, state);
    const p = checkpointDir(dir, 'last')!;
    expect(loadCheckpointFiles(p).files['a.bin']).toEqual(new Uint8Array([1, 2, 3]));
    writeFileSync(join(p, 'a.bin'), new Uint8Array([1, 2]));
    expect(() => loadCheckpointFiles(p)).toThrow(/corrupt checkpoint .*a\.bin does not match/);
  });

  it('recovers the previous checkpoint when a crash hit between the two renames', () => {
    saveCheckpointFiles(dir, 'best', { 'a.bin': new Uint8Array([9]) }, state);
    const base = join(dir, 'checkpoints');
    renameSync(join(base, 'best'), join(base, '.best.old')); // the state right after the first rename
    mkdirSync(join(base, '.best.tmp-1')); // an unfinished new one
    expect(checkpointDir(dir, 'best')).toBe(join(base, '.best.old'));
    expect(loadCheckpointFiles(checkpointDir(dir, 'best')!).files['a.bin']).toEqual(new Uint8Array([9]));
    expect(existsSync(join(base, 'best'))).toBe(false);
  });
});

describe('report', () => {
  it('is self-contained HTML with curves, the confusion matrix and the config', () => {
    const html = renderReport(presetConfig('tiny'), [
      { type: 'step', epoch: 1, step: 10, loss: 0.7, acc: 0.5, tokensPerSec: 1000, elapsed: 1 },
      { type: 'step', epoch: 1, step: 20, loss: 0.5, acc: 0.7, tokensPerSec: 1000, elapsed: 2 },
      { type: 'epoch', epoch: 1, step: 20, trainLoss: 0.6, trainAcc: 0.6, validLoss: 0.5, validAcc: 0.75, seconds: 2, best: true },
      { type: 'test', split: 'test', checkpoint: 'best', loss: 0.5, acc: 0.74, count: 100, confusion: [[40, 10], [16, 34]], seconds: 1 },
    ], { name: 'r', status: 'finished', parameters: 10, architecture: 'GRU', vocabSize: 5, dataSource: 'x <y>', trainCount: 1, validCount: 1, trainSeconds: 3, backend: 'cpu', createdAt: 'now' });
    expect(html).toContain('<svg');
    expect(html).toContain('Test accuracy 74.00%');
    expect(html).toContain('>34<');
    expect(html).toContain('x &lt;y&gt;');
    // this run beside the presets and the published IMDB references
    expect(html).toMatch(/this run \(tiny\)<\/td><td>GRU<\/td><td>74\.00% \(test, 100 texts\)/);
    expect(html).toContain('preset fast');
    expect(html).toContain('NBSVM with bigrams</td><td>91.22%');
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(readFileSync(new URL('../src/report/svg.ts', import.meta.url), 'utf8')).not.toContain('cdn');
  });
});

describe('data paths', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('resolves GloVe names and `--data imdb` under $RECUR_DATA', async () => {
    const { resolveDataArg, resolveVectors } = await import('../src/paths.js');
    const old = process.env.RECUR_DATA;
    process.env.RECUR_DATA = dir;
    try {
      expect(() => resolveVectors('glove.6B.50d')).toThrow(/no glove\.6B\.50d vectors under .*recur data download glove/);
      mkdirSync(join(dir, 'glove'));
      writeFileSync(join(dir, 'glove', 'glove.6B.50d.subset.txt'), 'the 1 2\n');
      expect(resolveVectors('glove.6B.50d')).toEqual({ path: join(dir, 'glove', 'glove.6B.50d.subset.txt') });
      writeFileSync(join(dir, 'glove', 'glove.6B.zip'), 'zip');
      expect(resolveVectors('glove.6B.50d')).toEqual({ path: join(dir, 'glove', 'glove.6B.zip'), member: 'glove.6B.50d.txt' });
      expect(() => resolveVectors('nowhere.txt')).toThrow('vectors file not found: nowhere.txt');
      expect(() => resolveDataArg('imdb')).toThrow(/no IMDB data under .*recur data download imdb/);
      mkdirSync(join(dir, 'imdb', 'aclImdb'), { recursive: true });
      expect(resolveDataArg('imdb')).toBe(join(dir, 'imdb', 'aclImdb'));
    } finally {
      if (old === undefined) delete process.env.RECUR_DATA;
      else process.env.RECUR_DATA = old;
    }
  });
});
