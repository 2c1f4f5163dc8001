/**
 * Training-step timings of the sequence layers on the CPU backend, composite path vs the fused
 * kernel (when the backend has one). Prints a table; asserts only that both paths agree.
 * Run: pnpm --filter @recur/recurrent bench
 */
import { backward } from '@recur/autograd';
import { dispose, hasFusedRnn, keep, mean, memory, randomUniform, scope, setSeed } from '@recur/tensor';
import { expect, it } from 'vitest';
import { GRU, LSTM, type RecurrentBase } from '../src/index.js';

const SIZES = [
  { T: 50, B: 32, I: 100, H: 128, L: 1, bi: true },
  ...(process.env.RECUR_BENCH_BIG ? [{ T: 100, B: 64, I: 100, H: 256, L: 2, bi: true }] : []),
];

function step(m: RecurrentBase, x: ReturnType<typeof randomUniform>, lengths: number[], fused: boolean): { ms: number; loss: number } {
  const t0 = performance.now();
  const loss = keep(scope(() => mean(m.forward(x, { lengths, fused }).output)));
  const grads = backward(loss, m.parameters().map((p) => p.value));
  const v = loss.dataSync()[0]!;
  dispose([...grads, loss]);
  return { ms: performance.now() - t0, loss: v };
}

it('LSTM/GRU training step: composite vs fused', () => {
  const before = memory().tensors;
  const rows: string[] = [];
  for (const s of SIZES) {
    for (const Kind of [LSTM, GRU]) {
      setSeed(1);
      const m = new Kind({ inputSize: s.I, hiddenSize: s.H, numLayers: s.L, bidirectional: s.bi, seed: 1 });
      const x = randomUniform([s.T, s.B, s.I], -1, 1, { seed: 2 });
      const lengths = Array.from({ length: s.B }, (_, b) => s.T - (b % 7) * Math.floor(s.T / 10));
      const paths = [false, ...(hasFusedRnn(Kind === LSTM ? 'lstm' : 'gru') ? [true] : [])];
      const res: Record<string, { ms: number; loss: number }> = {};
      for (const fused of paths) {
        step(m, x, lengths, fused); // warm-up
        const runs = [0, 1].map(() => step(m, x, lengths, fused));
        res[fused ? 'fused' : 'composite'] = { ms: Math.min(...runs.map((r) => r.ms)), loss: runs[0]!.loss };
      }
      if (res.fused) expect(Math.abs(res.fused.loss - res.composite!.loss)).toBeLessThan(1e-5);
      rows.push(`${Kind.name} T=${s.T} B=${s.B} I=${s.I} H=${s.H} L=${s.L} bi=${s.bi}: composite ${res.composite!.ms.toFixed(0)} ms` +
        (res.fused ? `, fused ${res.fused.ms.toFixed(0)} ms (×${(res.composite!.ms / res.fused.ms).toFixed(1)})` : ', no fused kernel'));
      x.dispose();
      m.dispose();
    }
  }
  console.log(`forward+backward per training step (CPU backend):\n${rows.join('\n')}`);
  expect(memory().tensors).toBe(before);
});
