/** decodeUtf8Strict agrees with `new TextDecoder('utf-8', { fatal: true })` on any bytes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8Strict } from '../src/node/utf8.js';

const reference = (b: Uint8Array): string | null => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return null;
  }
};

describe('decodeUtf8Strict', () => {
  it('matches the fatal TextDecoder: overlongs, surrogates, truncated sequences, BOM', () => {
    const cases = [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbb, 0xbf, 0x61], [0xef, 0xbb, 0xbf], [0x61, 0xef, 0xbb, 0xbf], []];
    for (const c of cases) expect(decodeUtf8Strict(new Uint8Array(c))).toBe(reference(new Uint8Array(c)));
    expect(decodeUtf8Strict(new Uint8Array([0xc0, 0xaf]))).toBeNull();
    expect(decodeUtf8Strict(new TextEncoder().encode('\ufeffé'))).toBe('é');
  });

  it('matches it on random bytes and on random strings, at any offset into a larger buffer', () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 30 }).map((s) => new TextEncoder().encode(s)));
    fc.assert(
      fc.property(bytes, fc.nat(8), (b, pad) => {
        const big = new Uint8Array(pad + b.length + 3).fill(0xff);
        big.set(b, pad);
        const view = big.subarray(pad, pad + b.length);
        expect(decodeUtf8Strict(view)).toBe(reference(view));
      }),
      { numRuns: 2000, seed: 42 },
    );
  });
});
