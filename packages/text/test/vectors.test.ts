import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createVectorParser, parseVectors, Vocab } from '../src/index.js';
import { loadVectors } from '../src/node/index.js';
import { DATA, HAS_DATA, makeZip, tempDir } from './helpers/archives.js';

const GLOVE50 = path.join(DATA, 'glove', 'glove.6B.50d.subset.txt');
const GLOVE100 = path.join(DATA, 'glove', 'glove.6B.100d.top2604.txt');

/** The file's own numbers for some words, read the simple way. */
function fileRows(file: string, words: string[]): Map<string, number[]> {
  const want = new Set(words);
  const out = new Map<string, number[]>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const f = line.split(' ');
    if (want.has(f[0]!) && !out.has(f[0]!)) out.set(f[0]!, f.slice(1).map(Number));
  }
  return out;
}

function row(m: Float32Array, i: number, d: number): number[] {
  return Array.from(m.subarray(i * d, (i + 1) * d));
}

describe.skipIf(!HAS_DATA)('loadVectors on real GloVe 6B files', () => {
  it('aligns rows to the vocab with the file numbers and right coverage (100d)', async () => {
    const words = ['movie', 'film', 'the', '–', 'zzzunknownzzz', 'Movie', 'great'];
    const vocab = Vocab.build([words]);
    const r = await loadVectors(GLOVE100, vocab);
    expect(r.dim).toBe(100);
    expect(r.matrix.length).toBe(vocab.size * 100);
    const rows = fileRows(GLOVE100, ['movie', 'film', 'the', '–', 'great']);
    for (const [w, vals] of rows) expect(row(r.matrix, vocab.lookup(w), 100)).toEqual(Array.from(Float32Array.from(vals)));
    expect(row(r.matrix, vocab.lookup('Movie'), 100)).toEqual(row(r.matrix, vocab.lookup('movie'), 100));
    expect(r.coverage).toMatchObject({ total: 7, exact: 5, lowercase: 1, missing: 1, missingTokens: ['zzzunknownzzz'] });
    expect(row(r.matrix, vocab.lookup('zzzunknownzzz'), 100).every((v) => v === 0)).toBe(true);
    expect(row(r.matrix, 0, 100).every((v) => v === 0) && row(r.matrix, 1, 100).every((v) => v === 0)).toBe(true);
    expect(r.stats).toMatchObject({ lines: 2604, vectors: 2604, skipped: 0, invalidUtf8: 0, header: null });
  });

  it('counts coverage of the whole 50d subset against its own vocabulary list', async () => {
    const vocabWords = readFileSync(path.join(DATA, 'glove', 'glove.6B.vocab.txt'), 'utf8').split('\n').slice(0, 5000);
    const vocab = new Vocab(['<unk>', '<pad>', ...vocabWords], { specials: ['<unk>', '<pad>'] });
    const r = await loadVectors(GLOVE50, vocab, { lowercaseFallback: false });
    // README: top 5,000 → 3,608 present in the 50d subset.
    expect(r.coverage).toMatchObject({ total: 5000, exact: 3608, lowercase: 0, missing: 1392 });
    expect(r.stats.vectors).toBe(16113);
    expect(row(r.matrix, 2, 50).slice(0, 3)).toEqual(Array.from(Float32Array.from([0.418, 0.24968, -0.41242])));
  });
});

describe.skipIf(!HAS_DATA)('vector formats and containers', () => {
  const text = 'the 0.5 -1 2\ncat 1e-3 0 4.25\nthe 9 9 9\nbig\u00a0cat 7 7 7\nat name@x.com 1 2 3\n';
  const vocab = Vocab.build([['the', 'cat', 'dog', 'big\u00a0cat', 'at name@x.com', 'The']]);

  it('parses GloVe text: first occurrence wins, tokens with spaces kept whole, seeded normal for unknowns', () => {
    const r = parseVectors(text, vocab, { unknownInit: 'normal', seed: 3 });
    expect(r.dim).toBe(3);
    expect(row(r.matrix, vocab.lookup('the'), 3)).toEqual([0.5, -1, 2]);
    expect(row(r.matrix, vocab.lookup('big\u00a0cat'), 3)).toEqual([7, 7, 7]);
    expect(row(r.matrix, vocab.lookup('at name@x.com'), 3)).toEqual([1, 2, 3]);
    expect(r.stats).toMatchObject({ duplicates: 1, spacedTokens: 1, vectors: 5 });
    const dog = row(r.matrix, vocab.lookup('dog'), 3);
    expect(dog.some((v) => v !== 0)).toBe(true);
    expect(row(parseVectors(text, vocab, { unknownInit: 'normal', seed: 3 }).matrix, vocab.lookup('dog'), 3)).toEqual(dog);
    expect(row(r.matrix, 0, 3)).toEqual([0, 0, 0]);
    expect(r.coverage).toMatchObject({ exact: 4, lowercase: 1, missing: 1 });
  });

  it('reads word2vec text (header) and binary formats', () => {
    const w2v = parseVectors('2 3\nthe 1 2 3\ncat 4 5 6\n', vocab);
    expect(w2v.stats.header).toEqual({ count: 2, dim: 3 });
    expect(row(w2v.matrix, vocab.lookup('cat'), 3)).toEqual([4, 5, 6]);
    expect(() => parseVectors('3 3\nthe 1 2 3\n', vocab, { source: 'x.vec' })).toThrow(/x\.vec:2: header promises 3 vectors but the file has 1/);
    const parts = [Buffer.from('2 3\n')];
    for (const [w, v] of [['cat', [1.5, -2, 3]], ['the', [0.25, 0, -8]]] as const) {
      parts.push(Buffer.from(`${w} `), Buffer.from(Float32Array.from(v).buffer), Buffer.from('\n'));
    }
    const bin = Buffer.concat(parts);
    const p = parseVectors(bin, vocab, { format: 'word2vec-binary' });
    expect(row(p.matrix, vocab.lookup('the'), 3)).toEqual([0.25, 0, -8]);
    expect(row(p.matrix, vocab.lookup('cat'), 3)).toEqual([1.5, -2, 3]);
    for (const size of [1, 5, 16]) {
      const parser = createVectorParser(vocab, { format: 'word2vec-binary' });
      for (let i = 0; i < bin.length; i += size) parser.push(bin.subarray(i, i + size));
      expect(parser.end().matrix).toEqual(p.matrix);
    }
    expect(() => parseVectors(bin.subarray(0, bin.length - 6), vocab, { format: 'word2vec-binary', source: 'g.bin' })).toThrow(/g\.bin:2: header promises 2 vectors but the data ends after 1 \(truncated\?\)/);
  });

  it('picks word2vec binary for .bin files in loadVectors', async () => {
    const file = path.join(tempDir(), 'v.bin');
    writeFileSync(file, Buffer.concat([Buffer.from('1 2\nthe '), Buffer.from(Float32Array.from([0.5, -0.25]).buffer)]));
    const r = await loadVectors(file, vocab);
    expect(row(r.matrix, vocab.lookup('the'), 2)).toEqual([0.5, -0.25]);
    expect(r.stats.header).toEqual({ count: 1, dim: 2 });
  });

  it('reads .gz and a .zip member, byte-identical to the plain file, with chunk boundaries anywhere', async () => {
    const dir = tempDir();
    const plain = readFileSync(GLOVE100);
    writeFileSync(path.join(dir, 'g.txt.gz'), gzipSync(plain));
    writeFileSync(path.join(dir, 'glove.zip'), makeZip([{ name: 'glove.6B.50d.txt', data: 'x 1\n' }, { name: 'glove.6B.100d.txt', data: plain }]));
    const v = Vocab.build([['movie', 'good', 'bad', 'the', 'nothere']]);
    const a = await loadVectors(GLOVE100, v);
    const b = await loadVectors(path.join(dir, 'g.txt.gz'), v);
    const c = await loadVectors(path.join(dir, 'glove.zip'), v, { member: 'glove.6B.100d.txt' });
    expect(b.matrix).toEqual(a.matrix);
    expect(c.matrix).toEqual(a.matrix);
    await expect(loadVectors(path.join(dir, 'glove.zip'), v)).rejects.toThrow(/holds 2 files; choose one with \{ member \}/);
    const whole = parseVectors(text, vocab);
    const bytes = Buffer.from(text);
    for (const size of [1, 2, 3, 7, 13]) {
      const parser = createVectorParser(vocab);
      for (let i = 0; i < bytes.length; i += size) parser.push(bytes.subarray(i, i + size));
      expect(parser.end().matrix).toEqual(whole.matrix);
    }
  });

  it('rejects malformed lines with file and line, or skips and counts them when lenient', () => {
    const bad = 'a 1 2 3\nb 1 2\nc 1  3\nd 1 x 3\n e 1 2 3\nf 4 5 6\n';
    const v = Vocab.build([['a', 'b', 'c', 'd', 'e', 'f']]);
    expect(() => parseVectors(bad, v, { source: 'bad.txt' })).toThrow(/^bad\.txt:2: expected a token and 3 values, found 3 fields$/);
    const r = parseVectors(bad, v, { lenient: true });
    expect(r.stats.skipped).toBe(4);
    expect(r.stats.skippedExamples.map((e) => e.line)).toEqual([2, 3, 4, 5]);
    expect(r.stats.skippedExamples[2]!.reason).toMatch(/value "x" is not a number/);
    expect(r.coverage).toMatchObject({ exact: 2, missing: 4 });
    expect(row(r.matrix, v.lookup('f'), 3)).toEqual([4, 5, 6]);
    const invalid = Buffer.concat([Buffer.from('a 1 2 3\n'), Buffer.from([0xff, 0xfe, 0x20]), Buffer.from('1 2 3\nb 1 2 3\n')]);
    expect(parseVectors(invalid, v).stats.invalidUtf8).toBe(1);
    expect(() => parseVectors('', v, { source: 'e.txt' })).toThrow(/e\.txt:0: no vectors found/);
  });

  it('names the file for truncated gzip and zip data', async () => {
    const dir = tempDir();
    const gz = gzipSync(readFileSync(GLOVE100));
    writeFileSync(path.join(dir, 't.txt.gz'), gz.subarray(0, gz.length >> 1));
    const v = Vocab.build([['the']]);
    await expect(loadVectors(path.join(dir, 't.txt.gz'), v)).rejects.toThrow(/t\.txt\.gz: truncated or corrupt gzip data/);
    const zip = makeZip([{ name: 'g.txt', data: readFileSync(GLOVE100) }]);
    writeFileSync(path.join(dir, 'cut.zip'), zip.subarray(0, zip.length - 30));
    await expect(loadVectors(path.join(dir, 'cut.zip'), v)).rejects.toThrow(/cut\.zip: not a zip file, or truncated/);
    await expect(loadVectors(path.join(dir, 'nope.txt'), v)).rejects.toThrow(/nope\.txt: cannot open \(ENOENT\)/);
  });
});
