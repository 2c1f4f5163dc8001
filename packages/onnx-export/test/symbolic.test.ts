/** Symbolic shapes of the tracer: broadcasting and the reshape resolver. */
import { describe, expect, it } from 'vitest';
import { broadcastSym, reshapeSym, showShape, staticDim, symDim } from '../src/trace/symbolic.js';

const sizes = new Map([['seq', 5], ['batch', 3]]);
const T = symDim('seq'), B = symDim('batch');

describe('reshapeSym', () => {
  it('merges [T, B, F] into [T·B, F] and splits it back', () => {
    const flat = reshapeSym([T, B, staticDim(4)], [15, 4], sizes)!;
    expect(showShape(flat)).toBe('[seq·batch, 4]');
    expect(showShape(reshapeSym(flat, [5, 3, 4], sizes)!)).toBe('[seq, batch, 4]');
  });

  it('drops and adds unit dims around dynamic ones: [1, B, H] → [B, H] → [B, 1, H]', () => {
    expect(showShape(reshapeSym([staticDim(1), B, staticDim(6)], [3, 6], sizes)!)).toBe('[batch, 6]');
    expect(showShape(reshapeSym([B, staticDim(6)], [3, 1, 6], sizes)!)).toBe('[batch, 1, 6]');
  });

  it('keeps a factor with its symbol ([T, B, 2, 4] → [T, B, 8]) and refuses sizes the symbols cannot explain', () => {
    expect(showShape(reshapeSym([T, B, staticDim(2), staticDim(4)], [5, 3, 8], sizes)!)).toBe('[seq, batch, 8]');
    expect(reshapeSym([T, B], [16], sizes)).toBeNull();
  });
});

describe('broadcastSym', () => {
  it('a static 1 yields; a dynamic dim wins over a static one of the same size', () => {
    expect(showShape(broadcastSym([[T, B, staticDim(1)], [staticDim(4)]]))).toBe('[seq, batch, 4]');
    expect(showShape(broadcastSym([[staticDim(5), staticDim(1)], [T, B]]))).toBe('[seq, batch]');
  });
});
