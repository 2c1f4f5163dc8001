/** A small sample of the real IMDB (copied into a temp aclImdb layout) and labelled CSV/JSONL files. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinCorpus } from '../src/data/synthetic.js';
import { readMetrics } from '../src/metrics.js';
import { cli, DATA_DIR, tempDir } from './helpers.js';

const IMDB = join(DATA_DIR, 'imdb', 'aclImdb');
const FAST = ['--epochs', '1', '--hidden', '8', '--embedding-dim', '16', '--max-length', '60', '--batch-size', '32', '--max-vocab', '2000'];

/** Copies the first `n` reviews of each label of a split into `dest/aclImdb/<split>/{pos,neg}`. */
function sample(dest: string, split: string, n: number): void {
  for (const label of ['pos', 'neg']) {
    const from = join(IMDB, split, label);
    const to = join(dest, 'aclImdb', split, label);
    mkdirSync(to, { recursive: true });
    for (const f of readdirSync(from).sort().slice(0, n)) copyFileSync(join(from, f), join(to, f));
  }
}

describe.skipIf(!existsSync(IMDB))('IMDB sample', () => {
  const { dir, cleanup } = tempDir();
  const data = join(dir, 'imdb');
  const run = join(dir, 'run');
  beforeAll(() => {
    sample(data, 'train', 150);
    sample(data, 'test', 50);
  });
  afterAll(cleanup);

  it('trains on an aclImdb folder and evaluates on its test split, also from a .tar.gz', async () => {
    const r = await cli('train', '--data', data, '--out', run, ...FAST);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('270 train / 30 valid / 100 test');
    expect(r.stdout).toMatch(/test accuracy \d+\.\d\d% \(loss [\d.]+, 100 texts, IMDB test\) \| bag-of-words baseline/);
    const test = readMetrics(join(run, 'metrics.jsonl')).find((x) => x.type === 'test');
    expect(test?.count).toBe(100);
    const archive = join(dir, 'aclImdb_v1.tar.gz');
    execFileSync('tar', ['czf', archive, '-C', data, 'aclImdb']);
    const e = await cli('eval', run, '--data', archive, '--json');
    expect(e.code, e.stderr).toBe(0);
    const o = JSON.parse(e.stdout);
    expect(o.count).toBe(100);
    expect(o.acc).toBeCloseTo(test!.type === 'test' ? test!.acc : -1, 6);
    const p = await cli('predict', run, 'One of the best films I have seen in years.');
    expect(p.stdout).toMatch(/^[01]\.\d{4}\t(positive|negative)\t/);
  });
});

describe('labelled CSV / JSONL files', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('trains on a CSV (neg/pos labels, quoted commas) with a separate JSONL test file', async () => {
    const c = builtinCorpus();
    const csv = join(dir, 'train.csv');
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    writeFileSync(csv, `id,text,label\n${c.train.slice(0, 300).map((x, i) => `${i},${q(x.text)},${x.label ? 'pos' : 'neg'}`).join('\n')}\n`);
    const jsonl = join(dir, 'test.jsonl');
    writeFileSync(jsonl, c.test.slice(0, 80).map((x) => JSON.stringify({ text: x.text, label: x.label })).join('\n'));
    const run = join(dir, 'run');
    const r = await cli('train', '--data', csv, '--test', jsonl, '--out', run, ...FAST);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('270 train / 30 valid / 80 test');
    const e = await cli('eval', run, '--data', jsonl, '--json');
    expect(JSON.parse(e.stdout).count).toBe(80);
    const tsv = join(dir, 'x.tsv');
    writeFileSync(tsv, `label\ttext\n1\tgreat film\n0\tawful film\n`);
    const t = await cli('eval', run, '--data', tsv, '--json');
    expect(t.code, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout).count).toBe(2);
  });
});
