/** Recur's side of the benchmark: the CPU backend with its WebAssembly SIMD kernels. */
import { noGrad } from '@recur/autograd';
import { Adam, SentimentRNN, bceWithLogits, trainStep } from '@recur/recurrent';
import { matMul, memory, randomUniform, scope, setCpuSimd, setNumThreads, tensor } from '@recur/tensor';
import { pairedTimes } from './paired.js';
import { fmtMs } from './report.js';
import { W1, W2, W3, W3_TIMING, W4, W5, W6, labels, timeMedian, tokenIds, tokensPerS, type Row, type TrainShape } from './workloads.js';

const model = (s: TrainShape, seed = 7) => new SentimentRNN({
  vocabSize: s.V, embeddingDim: s.E, hiddenDim: s.H, numLayers: s.layers, bidirectional: s.bidirectional,
  dropout: s.dropout, cell: s.cell, padIdx: 1, seed,
});

export interface RecurOptions { threads: number; runs: number; w2Steps: number }

async function train(id: string, s: TrainShape, o: RecurOptions, trackRss = false): Promise<Row> {
  const m = model(s);
  const opt = new Adam(m, { lr: 1e-3 });
  const ids = tensor(tokenIds(s.T, s.B, s.V), [s.T, s.B], 'int32');
  const y = tensor(labels(s.B), [s.B, 1]);
  const lengths = new Array<number>(s.B).fill(s.T);
  const rss: number[] = [];
  const trainOne = trainStep({ model: m, optimizer: opt, loss: () => bceWithLogits(m.forward(ids, lengths), y) });
  const step = async () => {
    await trainOne(undefined);
    if (trackRss) rss.push(Math.round(process.memoryUsage().rss / 2 ** 20));
  };
  const tensorsBefore = memory().tensors;
  const runs = trackRss ? Math.max(o.runs, o.w2Steps - 1) : o.runs;
  // With more than one thread, steps alternate with one-thread steps in this process, so the
  // speed-up compares steps that saw the same load on this (shared, noisy) machine.
  const paired = o.threads > 1 ? await pairedTimes(step, runs, o.threads) : null;
  const { median, times } = paired ? paired.many : await timeMedian(step, runs);
  const leaked = memory().tensors - tensorsBefore;
  ids.dispose(); y.dispose(); opt.dispose(); m.dispose();
  const row: Row = { workload: id, framework: 'recur', backend: 'cpu-wasm-simd', threads: o.threads, batch: s.B, ms_median: median, tokens_per_s: tokensPerS(s.B * s.T, median), runs: times.length };
  if (paired) {
    row.paired_one_thread_ms = paired.one.median;
    row.note = `alternating with 1-thread steps: 1 thread ${fmtMs(paired.one.median)}, ${o.threads} threads ${fmtMs(median)} → ${(paired.one.median / median).toFixed(2)}× (medians of ${times.length} each)`;
  }
  if (trackRss) {
    row.peak_rss_mb = rss;
    row.note = `RSS MiB first/last/max over ${rss.length} steps: ${rss[0]}/${rss[rss.length - 1]}/${Math.max(...rss)}; tensors held after steps: ${leaked}`;
  }
  return row;
}


async function infer(o: RecurOptions): Promise<Row[]> {
  const m = model(W1).eval();
  const rows: Row[] = [];
  for (const B of W3.batches) {
    const ids = tensor(tokenIds(W3.T, B, W3.V), [W3.T, B], 'int32');
    const lengths = new Array<number>(B).fill(W3.T);
    const { runs, warmup } = W3_TIMING(B, o.runs);
    const { median, times } = await timeMedian(() => noGrad(() => scope(() => m.forward(ids, lengths).dataSync())), runs, warmup);
    ids.dispose();
    rows.push({ workload: 'W3', framework: 'recur', backend: 'cpu-wasm-simd', threads: o.threads, batch: B, ms_median: median, tokens_per_s: tokensPerS(B * W3.T, median), runs: times.length });
  }
  m.dispose();
  return rows;
}

/** The W3 model's ONNX bytes (same seed, so the same weights as `infer`). */
export async function w3Onnx(): Promise<Uint8Array> {
  const { exportTextClassifier } = await import('@recur/onnx-export'); // only the onnxruntime peer needs the exporter
  const m = model(W1).eval();
  const { bytes } = await exportTextClassifier(m, { vocabSize: W1.V, padIndex: 1 }); // inputs text [T, B], lengths [B]
  m.dispose();
  return bytes;
}

async function sgemm(o: RecurOptions): Promise<Row> {
  const n = W5.n;
  const a = randomUniform([n, n], -1, 1), b = randomUniform([n, n], -1, 1);
  const { median, times } = await timeMedian(() => scope(() => matMul(a, b).dataSync()), Math.max(o.runs, 7));
  a.dispose(); b.dispose();
  const gflops = (2 * n ** 3) / median / 1e6;
  return { workload: 'W5', framework: 'recur', backend: 'cpu-wasm-simd', threads: o.threads, batch: n, ms_median: median, tokens_per_s: 0, gflops: Math.round(gflops * 10) / 10, runs: times.length };
}

export async function runRecur(workloads: string[], o: RecurOptions): Promise<Row[]> {
  const variant = setCpuSimd('auto');
  setNumThreads(o.threads); // explicit: the row's `threads` is what the kernels used
  const rows: Row[] = [];
  for (const w of workloads) {
    console.error(`  recur ${w}…`);
    if (w === 'W1') rows.push(await train('W1', W1, o));
    if (w === 'W4') rows.push(await train('W4', W4, o));
    // The RSS series (--w2-steps) comes from the one-thread run; other thread counts are timed only.
    if (w === 'W2') rows.push(await train('W2', W2, { ...o, runs: Math.min(o.runs, 5) }, o.threads === 1));
    if (w === 'W3') rows.push(...await infer(o));
    if (w === 'W6') rows.push(await train('W6', W6, { ...o, runs: 1 })); // one warm-up, one timed step
    if (w === 'W5') rows.push(await sgemm(o));
  }
  for (const r of rows) r.backend = `cpu-wasm-${variant ?? 'off'}`;
  return rows;
}
