/**
 * The fused `Dropout` kernel (JS and WebAssembly, one or two threads) against the composite it
 * replaces: where(less(randomUniform(shape), 1 − p), mul(x, 1 / (1 − p)), 0), bit for bit, with the
 * same draw from the global random stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  dropout, less, mul, randomUniform, scope, setCpuSimd, setNumThreads, setSeed, tensor, where, type DType, type Tensor,
} from '../src/index.js';

function input(n: number, dtype: DType = 'float32'): Tensor {
  // Mixed magnitudes, a NaN and an infinity: kept ones pass through the scale, dropped ones become 0.
  const v = Array.from({ length: n }, (_, i) => (i === 3 ? NaN : i === 5 ? -Infinity : Math.sin(i) * 10 ** ((i % 7) - 3)));
  return tensor(dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v), [n], dtype);
}

const composite = (x: Tensor, p: number, seed?: number) =>
  scope(() => where(less(randomUniform(x.shape, 0, 1, { dtype: x.dtype, seed }), 1 - p), mul(x, 1 / (1 - p)), 0));

function bits(t: Tensor): number[] {
  const v = t.dataSync();
  t.dispose();
  return Array.from(v, (x) => (Number.isNaN(x) ? -12345 : Object.is(x, -0) ? -0.5e-300 : x));
}

afterEach(() => {
  setCpuSimd('auto');
  setNumThreads(1);
});

describe('dropout', () => {
  // n: below one SIMD group, an odd tail, several 4096-element blocks (the threaded split).
  for (const n of [3, 1001, 3 * 4096 + 5]) {
    for (const p of [0.1, 0.5, 0.7, 0]) {
      it(`float32 n=${n} p=${p}: WebAssembly, JS and composite agree bit for bit`, () => {
        const x = input(n);
        setCpuSimd('off');
        const ref = bits(composite(x, p, 11));
        const js = bits(dropout(x, p, { seed: 11 }));
        setCpuSimd('auto');
        const fast = bits(dropout(x, p, { seed: 11 }));
        setNumThreads(2);
        const two = bits(dropout(x, p, { seed: 11 }));
        x.dispose();
        expect(js).toEqual(ref);
        expect(fast).toEqual(ref);
        expect(two).toEqual(ref);
      });
    }
  }

  it('float64 matches its composite', () => {
    const x = input(999, 'float64');
    expect(bits(dropout(x, 0.3, { seed: 2 }))).toEqual(bits(composite(x, 0.3, 2)));
    x.dispose();
  });

  it('draws from the global stream as the composite does (same masks, same counter advance)', () => {
    const x = input(5000);
    setSeed(99);
    const a1 = bits(dropout(x, 0.4)), a2 = bits(dropout(x, 0.4));
    setSeed(99);
    const b1 = bits(composite(x, 0.4)), b2 = bits(composite(x, 0.4));
    x.dispose();
    expect(a1).toEqual(b1);
    expect(a2).toEqual(b2);
    expect(a1).not.toEqual(a2);
  });

  it('keeps about 1 − p of the entries, scaled by 1 / (1 − p)', () => {
    const n = 100_000;
    const x = tensor(new Float32Array(n).fill(1), [n]);
    const d = dropout(x, 0.3, { seed: 5 });
    const v = d.dataSync();
    x.dispose();
    d.dispose();
    const kept = v.filter((e) => e !== 0);
    expect(Math.abs(kept.length / n - 0.7)).toBeLessThan(0.01);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.7)]));
  });

  it('rejects p outside [0, 1) and integer inputs, naming the op', () => {
    const x = input(4);
    expect(() => dropout(x, 1)).toThrow(/dropout: p must be a number in \[0, 1\), got 1/);
    expect(() => dropout(x, -0.1)).toThrow(/dropout: p/);
    expect(() => dropout(x, NaN)).toThrow(/dropout: p/);
    const i = tensor([1, 2], [2], 'int32');
    expect(() => dropout(i, 0.5)).toThrow(/dropout: x must be float32 or float64, got int32/);
    x.dispose();
    i.dispose();
  });
});
