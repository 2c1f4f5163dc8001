import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { basicEnglish } from '../src/index.js';
import { readImdb, readImdbDetailed, scanImdb } from '../src/node/index.js';
import { DATA, HAS_DATA, makeTar, tempDir } from './helpers/archives.js';

const IMDB = path.join(DATA, 'imdb');

function tally(xs: { label: number; rating: number }[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const x of xs) t[`${x.label}:${x.rating}`] = (t[`${x.label}:${x.rating}`] ?? 0) + 1;
  return t;
}

describe.skipIf(!HAS_DATA)('IMDB from the real aclImdb folder', () => {
  it('finds 25,000 + 25,000 reviews, 12,500 per label, ratings as the dataset README lists', async () => {
    const train = await scanImdb(IMDB, 'train');
    const test = await scanImdb(path.join(IMDB, 'aclImdb'), 'test');
    for (const s of [train, test]) {
      expect(s.files.length).toBe(25_000);
      expect(s.files.filter((f) => f.label === 1).length).toBe(12_500);
      expect(s.skipped).toEqual([]);
      expect(new Set(s.files.filter((f) => f.label === 0).map((f) => f.id)).size).toBe(12_500);
    }
    expect(tally(train.files)).toEqual({ '1:7': 2496, '1:8': 3009, '1:9': 2263, '1:10': 4732, '0:1': 5100, '0:2': 2284, '0:3': 2420, '0:4': 2696 });
    expect(tally(test.files)).toMatchObject({ '1:10': 4999, '0:1': 5022 });
  });

  it('reads a sampled subset fully: labels, ratings from names, <br /> as newlines', async () => {
    const a = await readImdb(IMDB, 'train', { limit: 300, sample: true, seed: 5 });
    const b = await readImdb(IMDB, 'train', { limit: 300, sample: true, seed: 5 });
    expect(a.map((x) => x.path)).toEqual(b.map((x) => x.path));
    expect(a.length).toBe(300);
    expect(a.filter((x) => x.label === 1).length).toBe(150);
    for (const x of a) {
      expect(x.label === 1 ? x.rating >= 7 : x.rating <= 4).toBe(true);
      expect(path.basename(x.path)).toBe(`${x.id}_${x.rating}.txt`);
      expect(x.text).not.toContain('<br />');
    }
    const first = await readImdb(IMDB, 'train', { limit: 2, lineBreaks: 'keep' });
    expect(first.map((x) => path.basename(x.path))).toEqual(['0_9.txt', '0_3.txt']);
    expect(first[0]!.text).toBe(readFileSync(first[0]!.path, 'utf8'));
    const withBr = a.find((x) => x.text.includes('\n'))!;
    const raw = readFileSync(withBr.path, 'utf8');
    expect(basicEnglish(withBr.text)).toEqual(basicEnglish(raw));
  });

  it('explains a missing aclImdb folder or label folder', async () => {
    const dir = tempDir();
    await expect(readImdb(dir, 'train')).rejects.toThrow(/no aclImdb folder/);
    mkdirSync(path.join(dir, 'aclImdb', 'train', 'pos'), { recursive: true });
    writeFileSync(path.join(dir, 'aclImdb', 'train', 'pos', '0_9.txt'), 'good');
    await expect(readImdb(dir, 'train')).rejects.toThrow(/missing IMDB label folder 'train\/neg'/);
    await expect(readImdb(dir, 'dev' as 'train')).rejects.toThrow(/split must be 'train' or 'test'/);
  });
});

describe('IMDB edge cases and archives', () => {
  function smallSet(): { name: string; data?: Buffer | string }[] {
    return [
      { name: 'aclImdb/' },
      { name: 'aclImdb/README', data: 'readme' },
      { name: 'aclImdb/train/pos/0_9.txt', data: 'Great film.<br /><br />Loved it.' },
      { name: 'aclImdb/train/pos/1_10.txt', data: 'Superb \u0096 truly' },
      { name: 'aclImdb/train/pos/2_8.txt', data: '   ' },
      { name: 'aclImdb/train/neg/0_2.txt', data: 'Awful.' },
      { name: 'aclImdb/train/neg/5_1.txt', data: Buffer.from([0x42, 0x61, 0x64, 0xff]) },
      { name: 'aclImdb/train/unsup/0_0.txt', data: 'unlabelled' },
      { name: 'aclImdb/test/pos/0_7.txt', data: 'ok' },
      { name: 'aclImdb/test/neg/0_4.txt', data: 'meh' },
      { name: `aclImdb/train/neg/${'x'.repeat(0)}7_3.txt`, data: 'x'.repeat(1500) },
    ];
  }

  it('reads straight from a .tar.gz, the same as from the folder, with counted skips', async () => {
    const dir = tempDir();
    const entries = smallSet();
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.name.endsWith('/')) mkdirSync(p, { recursive: true });
      else {
        mkdirSync(path.dirname(p), { recursive: true });
        writeFileSync(p, e.data ?? '');
      }
    }
    writeFileSync(path.join(dir, 'aclImdb_v1.tar.gz'), gzipSync(makeTar(entries)));
    await expect(readImdb(dir, 'train')).rejects.toThrow(/5_1\.txt: not valid UTF-8/);
    const fromDir = await readImdbDetailed(dir, 'train', { invalidUtf8: 'skip' });
    const fromTar = await readImdbDetailed(path.join(dir, 'aclImdb_v1.tar.gz'), 'train', { invalidUtf8: 'skip' });
    const strip = (xs: { text: string; label: number; rating: number; id: number }[]) => xs.map(({ text, label, rating, id }) => ({ text, label, rating, id }));
    expect(strip(fromTar.examples)).toEqual(strip(fromDir.examples));
    expect(strip(fromDir.examples)).toEqual([
      { text: 'Great film.\n\nLoved it.', label: 1, rating: 9, id: 0 },
      { text: 'Superb \u0096 truly', label: 1, rating: 10, id: 1 },
      { text: 'Awful.', label: 0, rating: 2, id: 0 },
      { text: 'x'.repeat(1500), label: 0, rating: 3, id: 7 },
    ]);
    expect(fromDir.skipped.map((s) => [path.basename(s.path), s.reason])).toEqual([['2_8.txt', 'empty review'], ['5_1.txt', 'not valid UTF-8']]);
    expect(fromTar.skipped.map((s) => s.reason).sort()).toEqual(['empty review', 'not valid UTF-8']);
    const replaced = await readImdbDetailed(dir, 'train', { invalidUtf8: 'replace', empty: 'keep' });
    expect(replaced.examples.length).toBe(6);
    expect(replaced.replaced.length).toBe(1);
    expect((await readImdb(path.join(dir, 'aclImdb_v1.tar.gz'), 'test')).map((x) => x.text)).toEqual(['ok', 'meh']);
  });

  it('names the archive when it is truncated or lacks a label folder', async () => {
    const dir = tempDir();
    const gz = gzipSync(makeTar(smallSet()));
    writeFileSync(path.join(dir, 'cut.tar.gz'), gz.subarray(0, gz.length - 40));
    await expect(readImdb(path.join(dir, 'cut.tar.gz'), 'train')).rejects.toThrow(/cut\.tar\.gz: truncated or corrupt gzip data/);
    const tar = makeTar(smallSet());
    writeFileSync(path.join(dir, 'cut.tar'), tar.subarray(0, 512 * 4 + 100));
    await expect(readImdb(path.join(dir, 'cut.tar'), 'train')).rejects.toThrow(/cut\.tar: truncated tar/);
    writeFileSync(path.join(dir, 'nolabel.tar.gz'), gzipSync(makeTar(smallSet().filter((e) => !e.name.includes('test/neg')))));
    await expect(readImdb(path.join(dir, 'nolabel.tar.gz'), 'test')).rejects.toThrow(/nolabel\.tar\.gz: archive has no aclImdb\/test\/neg\//);
    writeFileSync(path.join(dir, 'junk.tar'), Buffer.alloc(1024, 7));
    await expect(readImdb(path.join(dir, 'junk.tar'), 'train')).rejects.toThrow(/junk\.tar: corrupt tar header at byte 0/);
  });
});
