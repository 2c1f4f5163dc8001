import { describe, expect, it } from 'vitest';
import { compareCodePoints, Vocab } from './vocab.js';

const corpus = [
  ['the', 'film', 'was', 'good', 'the', 'end'],
  ['the', 'film', 'was', 'bad'],
  ['a', 'good', 'film', '<unk>'],
];
// counts: the 3, film 3, was 2, good 2, end 1, bad 1, a 1 (<unk> is a special, not counted)

describe('Vocab', () => {
  it('puts specials first, then frequency, then code-point order', () => {
    const v = Vocab.build(corpus);
    expect(v.tokens).toEqual(['<unk>', '<pad>', 'film', 'the', 'good', 'was', 'a', 'bad', 'end']);
    expect(v.counts).toEqual([0, 0, 3, 3, 2, 2, 1, 1, 1]);
    expect(v.unkIndex).toBe(0);
    expect(v.padIndex).toBe(1);
  });

  it('maxSize excludes specials and minFreq drops rare tokens', () => {
    expect(Vocab.build(corpus, { maxSize: 3 }).tokens).toEqual(['<unk>', '<pad>', 'film', 'the', 'good']);
    expect(Vocab.build(corpus, { maxSize: 3 }).size).toBe(5);
    expect(Vocab.build(corpus, { minFreq: 2 }).tokens).toEqual(['<unk>', '<pad>', 'film', 'the', 'good', 'was']);
    expect(Vocab.build(corpus, { specials: ['<pad>', '<unk>', '<bos>'], maxSize: 1 }).tokens).toEqual(['<pad>', '<unk>', '<bos>', 'film']);
  });

  it('gives 25,002 entries for maxSize 25,000 on a large corpus', () => {
    const lists = [Array.from({ length: 30_000 }, (_, i) => `w${i}`)];
    expect(Vocab.build(lists, { maxSize: 25_000 }).size).toBe(25_002);
  });

  it('looks up with default index and optional lowercase fallback', () => {
    const v = Vocab.build(corpus);
    expect(v.lookup('film')).toBe(2);
    expect(v.lookup('Film')).toBe(0);
    expect(v.lookup('nope', 1)).toBe(1);
    expect(Array.from(v.lookupIndices(['the', 'zzz']))).toEqual([3, 0]);
    expect(v.lookupTokens([2, 3])).toEqual(['film', 'the']);
    expect(() => v.lookupTokens([99])).toThrow(/index 99 out of range \[0, 9\)/);
    const lf = Vocab.build(corpus, { lowercaseFallback: true });
    expect(lf.lookup('FILM')).toBe(2);
    const noUnk = Vocab.build(corpus, { specials: ['<pad>'] });
    expect(() => noUnk.lookup('zzz')).toThrow(/not in the vocabulary and there is no unknown token/);
  });

  it('sorts astral characters after U+E000–U+FFFF, like Python', () => {
    expect(compareCodePoints('\uffff', '😀')).toBeLessThan(0);
    expect(['😀', '\uffff', 'a'].sort(compareCodePoints)).toEqual(['a', '\uffff', '😀']);
  });

  it('round-trips through JSON and rejects foreign documents', () => {
    const v = Vocab.build(corpus, { maxSize: 4, lowercaseFallback: true });
    const back = Vocab.fromJSON(JSON.stringify(v));
    expect(back.tokens).toEqual(v.tokens);
    expect(back.counts).toEqual(v.counts);
    expect(back.lookup('THE')).toBe(v.lookup('the'));
    expect(() => Vocab.fromJSON('{"tokens":[]}')).toThrow(/not a recur-vocab v1 document/);
    expect(() => new Vocab(['a', 'a'])).toThrow(/duplicate token "a" at index 1/);
  });
});
