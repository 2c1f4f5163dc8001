/**
 * Fused LSTM/GRU/RNN sequence kernels on WebGPU (float32, SwiftShader) against the CPU fused kernels
 * in float64 — which are themselves checked against the float64 equations and finite differences
 * (fused-rnn.test.ts) — on every output (y, hN, cN, gates, cells, hLin) and every gradient.
 * SIZES cover the step kernels' shape classes (fused-step.ts): B = 1 and B < 4 (one row per
 * workgroup), B ≥ 4 with full and partial 4-row tiles, odd H, H past and not a multiple of the
 * 64-unit tile, reductions in one and in several 256-column chunks, T = 1, ragged lengths with 0.
 */
import { describe, expect, it } from 'vitest';
import { hasFusedRnn, setBackend } from '../../src/index.js';
import { cotangents, makeCase, reference, worst, type Kind } from '../fused-reference.js';
import { gradFields, runFused } from '../fused-harness.js';
import { runFusedAsync } from './fused-async.js';
import { cpu, webgpu } from './gpu.js';

const KINDS: Kind[] = ['lstm', 'gru', 'rnn-tanh', 'rnn-relu'];
const SIZES: Array<[T: number, B: number, H: number, lengths: number[]]> = [
  [4, 4, 3, [4, 2, 1, 0]],
  [7, 5, 37, [7, 6, 3, 1, 0]],
  [3, 2, 65, [3, 2]],
  [1, 1, 1, [1]],
  [3, 9, 70, [3, 3, 2, 0, 1, 3, 2, 1, 3]], // 3 row tiles of 4 (the last holds 1 row), 2 unit tiles (the last holds 6)
  [2, 5, 257, [2, 1, 0, 2, 1]], // the forward's reduction in two staged chunks of 256 (the last holds 1)
];

describe('fused recurrent kernels on WebGPU', () => {
  it('are registered on the WebGPU backend', async () => {
    setBackend(await webgpu());
    try {
      expect([hasFusedRnn('lstm'), hasFusedRnn('gru'), hasFusedRnn('rnn')]).toEqual([true, true, true]);
    } finally {
      setBackend(cpu);
    }
  });

  for (const kind of KINDS) {
    for (const [T, B, H, lengths] of SIZES) {
      it(`${kind} T=${T} B=${B} H=${H}: forward and gradients match the CPU (float64)`, async () => {
        const c = makeCase(kind, T, B, H, lengths, 3 + H);
        const u = cotangents(c, 17 + T);
        setBackend(cpu);
        const ref = runFused(c, u, 'float64');
        const eq = reference(c);
        expect(worst(ref.forward[0]!, eq.y, 1e-9, 1e-9)).toBeLessThanOrEqual(1);
        setBackend(await webgpu());
        try {
          const got = await runFusedAsync(c, u, 'float32');
          ref.forward.forEach((v, i) => expect(worst(got.forward[i]!, v, 2e-5, 1e-4), `${kind} output ${i}`).toBeLessThanOrEqual(1));
          for (const f of gradFields(c)) {
            expect(worst(got.grads[f]!, ref.grads[f]!, 1e-4, 1e-3), `${kind} d${f}`).toBeLessThanOrEqual(1);
          }
        } finally {
          setBackend(cpu);
        }
      });
    }
  }

  it('accepts bool and int32 masks', async () => {
    const c = makeCase('lstm', 3, 3, 4, [3, 1, 0], 8);
    const u = cotangents(c, 2);
    setBackend(cpu);
    const ref = runFused(c, u, 'float64');
    setBackend(await webgpu());
    try {
      for (const m of ['bool', 'int32'] as const) {
        const got = await runFusedAsync(c, u, 'float32', m);
        expect(worst(got.forward[0]!, ref.forward[0]!, 2e-5, 1e-4), m).toBeLessThanOrEqual(1);
        expect(worst(got.grads.wHh!, ref.grads.wHh!, 1e-4, 1e-3), m).toBeLessThanOrEqual(1);
      }
    } finally {
      setBackend(cpu);
    }
  });
});
