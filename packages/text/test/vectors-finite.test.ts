/** nan/inf in a vectors file never reach the embedding: an error naming file, line and token (or a skip when lenient). */
import { describe, expect, it } from 'vitest';
import { parseVectors, Vocab } from '../src/index.js';

const vocab = Vocab.build([['the', 'cat', 'dog']], { specials: ['<unk>', '<pad>'] });

describe('non-finite vector values', () => {
  it('GloVe text: nan, inf and -Infinity are refused with the line and token; lenient skips the line', () => {
    for (const bad of ['nan', 'inf', '-Infinity', 'NaN']) {
      const text = `the 1 2 3\ncat 4 ${bad} 6\ndog 7 8 9\n`;
      expect(() => parseVectors(text, vocab, { source: 'g.txt' })).toThrow(new RegExp(`^g\\.txt:2: value 2 of token "cat" is (NaN|-?Infinity); embeddings must be finite \\(fix or remove this line\\)$`));
      const r = parseVectors(text, vocab, { lenient: true });
      expect(r.stats.skipped).toBe(1);
      expect(Array.from(r.matrix).every(Number.isFinite)).toBe(true);
    }
    // A token the vocabulary does not need is not parsed, so its values cannot matter.
    expect(parseVectors('the 1 2 3\nzebra nan nan nan\n', vocab).stats.vectors).toBe(2);
  });

  it('word2vec binary: a NaN or infinite float is refused with the entry and token', () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      const bin = Buffer.concat([Buffer.from('2 3\n'), Buffer.from('the '), Buffer.from(Float32Array.from([1, 2, 3]).buffer), Buffer.from('\n'), Buffer.from('dog '), Buffer.from(Float32Array.from([1, v, 3]).buffer), Buffer.from('\n')]);
      expect(() => parseVectors(bin, vocab, { format: 'word2vec-binary', source: 'w.bin' })).toThrow(/^w\.bin:2: value 2 of token "dog" is (NaN|-?Infinity); embeddings must be finite/);
    }
  });
});
