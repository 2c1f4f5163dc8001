/**
 * Fused recurrent kernels on sequences longer than one time chunk (a small kernel-memory budget
 * forces several chunks) give the one-piece results bit for bit: forward outputs, saved state and
 * every gradient, with padding, one and two threads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { memory, runKernel, scope, setNumThreads, tensor, type Tensor } from '../src/index.js';
import { setKernelChunkBytes } from '../src/backend-entry.js';

function rand(seed: number, n: number, scale = 0.5): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

type Kind = 'lstm' | 'gru' | 'rnn';
const GATES: Record<Kind, number> = { lstm: 4, gru: 3, rnn: 1 };

/** Forward + backward of one fused layer; every output read back as raw float32 bits. */
function run(kind: Kind, T: number, B: number, H: number, keepState = true): Uint32Array[] {
  return scope(() => {
    const G = GATES[kind] * H;
    const lengths = Array.from({ length: B }, (_, b) => (b === 0 ? T : Math.max(1, T - 7 * b - 3)));
    const mask = new Float32Array(T * B);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) mask[t * B + b] = t < lengths[b]! ? 1 : 0;
    const x = tensor(rand(1, T * B * G), [T, B, G]), w = tensor(rand(2, G * H, 0.3), [G, H]);
    const h0 = tensor(rand(3, B * H), [B, H]), m = tensor(mask, [T, B]);
    const dy = tensor(rand(4, T * B * H), [T, B, H]), dhN = tensor(rand(5, B * H), [B, H]);
    const bits = (ts: Tensor[]) => ts.map((t) => new Uint32Array(Float32Array.from(t.dataSync()).buffer));
    if (kind === 'lstm') {
      const c0 = tensor(rand(6, B * H), [B, H]);
      const out = runKernel('LSTMSequence', [x, w, h0, c0, m], { keepState });
      if (!keepState) return bits(out);
      const [y, , , gates, cells] = out;
      const g = runKernel('LSTMSequenceGrad', [dy, dhN, tensor(rand(7, B * H), [B, H]), w, h0, c0, m, gates!, cells!, y!]);
      return bits([...out, ...g]);
    }
    if (kind === 'gru') {
      const b = tensor(rand(8, G), [G]);
      const out = runKernel('GRUSequence', [x, w, b, h0, m], { keepState });
      if (!keepState) return bits(out);
      const [y, , gates, hLin] = out;
      return bits([...out, ...runKernel('GRUSequenceGrad', [dy, dhN, w, h0, m, gates!, hLin!, y!])]);
    }
    const out = runKernel('RNNSequence', [x, w, h0, m], { nonlinearity: 'tanh' });
    return bits([...out, ...runKernel('RNNSequenceGrad', [dy, dhN, w, h0, m, out[0]!], { nonlinearity: 'tanh' })]);
  });
}

afterEach(() => {
  setKernelChunkBytes(null);
  setNumThreads(1);
});

describe('fused sequence kernels in time chunks', () => {
  // B = 8: chunks are whole multiples of 32 steps (256 gemm rows); 4 KiB budgets give one such unit.
  for (const kind of ['lstm', 'gru', 'rnn'] as const) {
    for (const threads of [1, 2]) {
      it(`${kind}, T = 150 in 5 chunks, ${threads} thread(s): identical bits`, () => {
        setNumThreads(threads);
        const before = memory().tensors;
        const whole = run(kind, 150, 8, 16);
        setKernelChunkBytes(4096);
        const chunked = run(kind, 150, 8, 16);
        expect(chunked.length).toBe(whole.length);
        chunked.forEach((c, i) => expect(c, `output ${i}`).toEqual(whole[i]));
        expect(memory().tensors).toBe(before);
      });
    }
  }

  it('a batch of 3 (chunks of 256 steps) and inference without saved state', () => {
    const whole = [run('lstm', 600, 3, 8), run('gru', 600, 3, 8, false)];
    setKernelChunkBytes(4096);
    const chunked = [run('lstm', 600, 3, 8), run('gru', 600, 3, 8, false)];
    expect(chunked).toEqual(whole);
  });

  it('rejects a budget below 4 KiB', () => {
    expect(() => setKernelChunkBytes(100)).toThrow(/at least 4096 bytes/);
  });
});
