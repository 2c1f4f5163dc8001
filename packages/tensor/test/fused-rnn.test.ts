/**
 * Fused recurrent CPU kernels against a float64 reference of the equations (forward) and central
 * finite differences (backward), on float64 (JS path) and float32 (the fast path where present).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hasFusedRnn, memory, setCpuSimd } from '../src/index.js';
import { cotangents, makeCase, numericGrad, reference, worst, type Kind } from './fused-reference.js';
import { gradFields, runFused } from './fused-harness.js';

const KINDS: Kind[] = ['lstm', 'gru', 'rnn-tanh', 'rnn-relu'];

describe('fused recurrent CPU kernels', () => {
  afterEach(() => {
    setCpuSimd('auto');
  });

  it('are registered on the CPU backend', () => {
    expect([hasFusedRnn('lstm'), hasFusedRnn('gru'), hasFusedRnn('rnn')]).toEqual([true, true, true]);
  });

  for (const kind of KINDS) {
    describe(kind, () => {
      // Lengths cover full, partial, a single step and an empty sequence (state passes through).
      const c = makeCase(kind, 4, 4, 3, [4, 2, 1, 0], 11);
      const u = cotangents(c, 77);

      it('forward matches the reference equations (float64)', () => {
        const before = memory().tensors;
        const ref = reference(c);
        const { forward } = runFused(c, u, 'float64');
        expect(worst(forward[0]!, ref.y, 1e-12, 1e-10)).toBeLessThanOrEqual(1);
        expect(worst(forward[1]!, ref.hN, 1e-12, 1e-10)).toBeLessThanOrEqual(1);
        if (kind === 'lstm') expect(worst(forward[2]!, ref.cN, 1e-12, 1e-10)).toBeLessThanOrEqual(1);
        expect(memory().tensors).toBe(before);
      });

      it('padded steps output zeros and carry the state', () => {
        const { forward } = runFused(c, u, 'float64');
        const y = forward[0]!, H = c.H, B = c.B;
        for (let t = 2; t < 4; t++) expect(Array.from(y.subarray((t * B + 1) * H, (t * B + 2) * H))).toEqual([0, 0, 0]);
        expect(Array.from(forward[1]!.subarray(3 * H, 4 * H))).toEqual(c.h0.slice(3 * H, 4 * H));
      });

      it('gradients match central differences (float64)', () => {
        const before = memory().tensors;
        const { grads } = runFused(c, u, 'float64');
        for (const f of gradFields(c)) {
          const num = numericGrad(c, u, f);
          expect(worst(grads[f]!, num, 1e-6, 1e-5), `${kind} d${f}`).toBeLessThanOrEqual(1);
        }
        expect(memory().tensors).toBe(before);
      });

      it('float32 (WebAssembly) agrees with float64 at layer scale', () => {
        const before = memory().tensors;
        // H = 100: the backward gemm's k = 3H or 4H crosses a 256 block; T·B = 320 rows for dW.
        const big = makeCase(kind, 20, 16, 100, Array.from({ length: 16 }, (_, b) => 20 - b), 3, 0.15);
        const bu = cotangents(big, 4);
        const r64 = runFused(big, bu, 'float64'), r32 = runFused(big, bu, 'float32');
        r64.forward.forEach((v, i) => expect(worst(r32.forward[i]!, v, 1e-4, 1e-3), `out ${i}`).toBeLessThanOrEqual(1));
        for (const f of gradFields(big)) {
          expect(worst(r32.grads[f]!, r64.grads[f]!, 1e-3, 1e-3), `${kind} d${f}`).toBeLessThanOrEqual(1);
        }
        expect(memory().tensors).toBe(before);
      });

      it('float32 agrees with float64 on odd sizes', () => {
        const before = memory().tensors;
        const big = makeCase(kind, 7, 5, 37, [7, 6, 3, 1, 0], 5);
        const bu = cotangents(big, 9);
        const r64 = runFused(big, bu, 'float64'), r32 = runFused(big, bu, 'float32');
        setCpuSimd('off');
        const js32 = runFused(big, bu, 'float32');
        r64.forward.forEach((v, i) => expect(worst(js32.forward[i]!, v, 2e-5, 1e-4), `js out ${i}`).toBeLessThanOrEqual(1));
        r64.forward.forEach((v, i) => expect(worst(r32.forward[i]!, v, 2e-5, 1e-4), `out ${i}`).toBeLessThanOrEqual(1));
        for (const f of gradFields(big)) {
          expect(worst(r32.grads[f]!, r64.grads[f]!, 1e-4, 1e-3), `${kind} d${f}`).toBeLessThanOrEqual(1);
        }
        expect(memory().tensors).toBe(before);
      });
    });
  }
});
