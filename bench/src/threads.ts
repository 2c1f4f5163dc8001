/**
 * Quick 1-vs-2-thread timings of Recur's CPU backend, alternating the thread count within one process
 * so that load from other jobs on the machine hits both alike:
 *
 *   node --conditions=@recur/source --import tsx src/threads.ts [sgemm|lstm|W1|W2] [--reps N] [--T steps]
 *
 * sgemm: matMul 1024³ (W5); lstm: W1's fused LSTM forward + backward alone; W1/W2: a full train step
 * (W2 with --T to shorten its 200 steps: a full W2 step takes tens of seconds).
 */
import { Adam, SentimentRNN, bceWithLogits, trainStep } from '@recur/recurrent';
import { matMul, ones, randomUniform, runKernel, scope, setNumThreads, tensor, zeros, type Tensor } from '@recur/tensor';
import { pairedTimes } from './paired.js';
import { W1, W2, W5, labels, tokenIds } from './workloads.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const what = argv.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) ?? 'sgemm';
const reps = opt('reps', 5);

async function setup(): Promise<{ label: string; run: () => Promise<unknown> | unknown; free: () => void }> {
  if (what === 'sgemm') {
    const a = randomUniform([W5.n, W5.n], -1, 1), b = randomUniform([W5.n, W5.n], -1, 1);
    return { label: `matMul ${W5.n}³`, run: () => scope(() => matMul(a, b).dataSync()), free: () => { a.dispose(); b.dispose(); } };
  }
  if (what === 'lstm') {
    const { T, B, H } = W1, G = 4 * H;
    const held: Tensor[] = [randomUniform([T, B, G], -1, 1), randomUniform([G, H], -0.1, 0.1), zeros([B, H]), zeros([B, H]), ones([T, B]),
      randomUniform([T, B, H], -1, 1), zeros([B, H]), zeros([B, H])];
    const [x, w, h0, c0, mask, dy, dh, dc] = held as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const run = () => scope(() => {
      const [y, , , g, cells] = runKernel('LSTMSequence', [x, w, h0, c0, mask]);
      runKernel('LSTMSequenceGrad', [dy, dh, dc, w, h0, c0, mask, g!, cells!, y!])[1]!.dataSync();
    });
    return { label: `fused LSTM forward + backward T${T} B${B} H${H}`, run, free: () => held.forEach((t) => t.dispose()) };
  }
  if (what !== 'W1' && what !== 'W2') throw new Error(`threads: unknown workload '${what}' (sgemm, lstm, W1, W2)`);
  const s = { ...(what === 'W2' ? W2 : W1) };
  s.T = opt('T', s.T);
  const m = new SentimentRNN({ vocabSize: s.V, embeddingDim: s.E, hiddenDim: s.H, numLayers: s.layers, bidirectional: s.bidirectional, dropout: s.dropout, cell: s.cell, padIdx: 1, seed: 7 });
  const adam = new Adam(m, { lr: 1e-3 });
  const ids = tensor(tokenIds(s.T, s.B, s.V), [s.T, s.B], 'int32'), y = tensor(labels(s.B), [s.B, 1]);
  const lengths = new Array<number>(s.B).fill(s.T);
  const step = trainStep({ model: m, optimizer: adam, loss: () => bceWithLogits(m.forward(ids, lengths), y) });
  return {
    label: `${what} train step B${s.B} T${s.T} H${s.H}`,
    run: () => step(undefined),
    free: () => { ids.dispose(); y.dispose(); adam.dispose(); m.dispose(); },
  };
}

const w = await setup();
const { one, many } = await pairedTimes(w.run, reps, 2);
setNumThreads(1);
w.free();
console.log(w.label);
for (const [n, t] of [[1, one], [2, many]] as const) console.log(`  ${n} thread${n > 1 ? 's' : ' '}: median ${t.median.toFixed(1)} ms, min ${t.min.toFixed(1)} ms`);
console.log(`  speed-up: ${(one.median / many.median).toFixed(2)}× (medians), ${(one.min / many.min).toFixed(2)}× (minima)`);
