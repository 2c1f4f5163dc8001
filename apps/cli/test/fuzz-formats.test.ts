/**
 * Property-based tests of the parsers of outside data: safetensors, vocab JSON, GloVe text and
 * word2vec binary. Every input either parses or throws the parser's own error type naming the
 * field or file — never a raw TypeError/RangeError, a hang or a huge allocation.
 */
import { parseSafetensors, SafetensorsFormatError, writeSafetensors } from '@recur/recurrent';
import { memory, tensor } from '@recur/tensor';
import { parseVectors, Vocab, VocabFormatError, VectorFormatError } from '@recur/text';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutated, ownError, RUNS, structuredText } from './fuzz-helpers.js';

function safetensorsBytes(header: unknown, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const entry = fc.record(
  {
    dtype: fc.oneof(fc.constantFrom('F32', 'F64', 'I32', 'BOOL', 'I64', 'F16', 'BF16', 'toString', '__proto__'), fc.string({ maxLength: 5 })),
    shape: fc.array(fc.oneof(fc.integer({ min: -2, max: 9 }), fc.double(), fc.constant(2 ** 40)), { maxLength: 4 }),
    data_offsets: fc.oneof(fc.tuple(fc.integer({ min: -4, max: 300 }), fc.integer({ min: -4, max: 300 })), fc.anything()),
  },
  { requiredKeys: [] },
);

describe('fuzz: safetensors', () => {
  it('random bytes, random headers and mutated files parse or throw SafetensorsFormatError', async () => {
    const before = memory().tensors;
    const w = tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], 'float32');
    const good = await writeSafetensors({ w, b: w }, { producer: 'fuzz' });
    w.dispose();
    const check = (bytes: Uint8Array) => {
      try {
        const { tensors } = parseSafetensors(bytes);
        for (const t of Object.values(tensors)) t.dispose();
      } catch (e) {
        ownError(e, SafetensorsFormatError, 'readSafetensors: ');
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), check), RUNS);
    fc.assert(fc.property(fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constant('__proto__'), fc.constant('__metadata__')), fc.oneof(entry, fc.anything()), { maxKeys: 4 }), fc.uint8Array({ maxLength: 200 }), (h, d) => check(safetensorsBytes(h, d))), RUNS);
    fc.assert(fc.property(mutated(good), check), RUNS);
    expect(memory().tensors).toBe(before);
  });

  it('a tensor named __proto__ is kept as a tensor', () => {
    const bytes = safetensorsBytes(JSON.parse('{"__proto__": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}'), new Uint8Array(4));
    const { tensors } = parseSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    for (const t of Object.values(tensors)) t.dispose();
  });
});

describe('fuzz: vocab JSON', () => {
  it('any JSON value or string restores a Vocab or throws VocabFormatError naming the field', () => {
    const good = Vocab.build([['a', 'b', 'a']]).toJSON();
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 40 }), structuredText(['{', '}', '"tokens"', ':', '[', ']', '"a"', ',', '1', 'null'])), (s) => {
      try {
        Vocab.fromJSON(s);
      } catch (e) {
        ownError(e, VocabFormatError, 'Vocab.fromJSON: ');
      }
    }), RUNS);
    const doc = fc.record({ format: fc.oneof(fc.constant('recur-vocab'), fc.anything()), version: fc.oneof(fc.constant(1), fc.anything()), tokens: fc.oneof(fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.anything()), { maxLength: 6 }), fc.anything()), counts: fc.anything(), specials: fc.anything(), unkToken: fc.anything(), lowercaseFallback: fc.anything() }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(doc, fc.anything(), fc.constant(good)), (o) => {
      try {
        const v = Vocab.fromJSON(o as never);
        expect(v.size).toBe((o as { tokens: unknown[] }).tokens.length);
      } catch (e) {
        ownError(e, VocabFormatError, 'Vocab.fromJSON: ');
      }
    }), RUNS);
  });
});

describe('fuzz: pretrained vectors', () => {
  const vocab = Vocab.build([['the', 'cat', 'a', '1']], { specials: ['<unk>', '<pad>'] });
  const parse = (bytes: Uint8Array | string, format: 'auto' | 'glove' | 'word2vec' | 'word2vec-binary', lenient = false) => {
    try {
      const r = parseVectors(bytes, vocab, { format, source: 'v.txt', lenient });
      expect(r.matrix.length).toBe(vocab.size * r.dim);
      expect(Array.from(r.matrix).every(Number.isFinite)).toBe(true);
    } catch (e) {
      ownError(e, VectorFormatError, 'v.txt:');
    }
  };

  it('GloVe / word2vec text: parse (finite values only) or VectorFormatError with file and line', () => {
    const text = structuredText(['the', 'cat', 'a', ' ', '\n', '\r\n', '1', '-2.5', '1e3', 'nan', 'inf', '2 3', '3 2', '  ', '\t', '99999999 99999999']);
    for (const format of ['auto', 'glove', 'word2vec'] as const) {
      fc.assert(fc.property(text, fc.boolean(), (s, lenient) => parse(s, format, lenient)), RUNS);
    }
  });

  it('word2vec binary: random and mutated files parse or throw VectorFormatError', () => {
    const row = (w: string, v: number[]) => [Buffer.from(`${w} `), Buffer.from(Float32Array.from(v).buffer), Buffer.from('\n')];
    const good = new Uint8Array(Buffer.concat([Buffer.from('2 3\n'), ...row('the', [1, 2, 3]), ...row('cat', [4, 5, 6])]));
    fc.assert(fc.property(mutated(good), (b) => parse(b, 'word2vec-binary')), RUNS);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => parse(b, 'word2vec-binary')), RUNS);
    parse('1 99999999999\nthe 1\n', 'word2vec');
    parse(new TextEncoder().encode('1 99999999999\nthe '), 'word2vec-binary');
  });
});
