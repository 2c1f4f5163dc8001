/** tfjs 4.22 (tfjs-layers on the cpu or wasm backend) on the same workloads. */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { W1, W3, W4, W5, labels, timeMedian, tokenIds, tokensPerS, type Row, type TrainShape } from './workloads.js';

function build(s: TrainShape): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.embedding({ inputDim: s.V, outputDim: s.E, inputLength: s.T }));
  const rnn = s.cell === 'lstm' ? tfl.layers.lstm({ units: s.H }) : tfl.layers.gru({ units: s.H, resetAfter: true });
  m.add(s.bidirectional ? tfl.layers.bidirectional({ layer: rnn as never, mergeMode: 'concat' }) : rnn);
  m.add(tfl.layers.dense({ units: 1 }));
  return m;
}

/** ids batch-major [B, T] (tfjs-layers RNNs are batch-first). */
function ids(s: { T: number; B: number; V: number }): tf.Tensor {
  const tm = tokenIds(s.T, s.B, s.V), bm = new Int32Array(tm.length);
  for (let t = 0; t < s.T; t++) for (let b = 0; b < s.B; b++) bm[b * s.T + t] = tm[t * s.B + b]!;
  return tf.tensor2d(bm, [s.B, s.T], 'int32');
}

async function train(id: string, s: TrainShape, backend: string, runs: number): Promise<Row> {
  const m = build(s), opt = tf.train.adam(1e-3);
  const x = ids(s), y = tf.tensor2d(labels(s.B), [s.B, 1]);
  const step = () => {
    const loss = opt.minimize(() => tf.losses.sigmoidCrossEntropy(y, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true);
    loss!.dataSync();
    loss!.dispose();
  };
  const { median, times } = await timeMedian(step, runs);
  tf.dispose([x, y]);
  m.dispose();
  return { workload: id, framework: 'tfjs', backend, threads: 1, batch: s.B, ms_median: median, tokens_per_s: tokensPerS(s.B * s.T, median), runs: times.length };
}

async function infer(backend: string, runs: number): Promise<Row[]> {
  const m = build(W1);
  const rows: Row[] = [];
  for (const B of W3.batches) {
    const x = ids({ ...W3, B });
    const { median, times } = await timeMedian(() => tf.tidy(() => (m.predict(x) as tf.Tensor).dataSync()), B === 1 ? Math.max(runs, 10) : runs, 1);
    x.dispose();
    rows.push({ workload: 'W3', framework: 'tfjs', backend, threads: 1, batch: B, ms_median: median, tokens_per_s: tokensPerS(B * W3.T, median), runs: times.length });
  }
  m.dispose();
  return rows;
}

async function sgemm(backend: string, runs: number): Promise<Row> {
  const a = tf.randomUniform([W5.n, W5.n]), b = tf.randomUniform([W5.n, W5.n]);
  const { median, times } = await timeMedian(() => tf.tidy(() => tf.matMul(a, b).dataSync()), runs);
  tf.dispose([a, b]);
  return { workload: 'W5', framework: 'tfjs', backend, threads: 1, batch: W5.n, ms_median: median, tokens_per_s: 0, gflops: Math.round((2 * W5.n ** 3) / median / 1e5) / 10, runs: times.length };
}

export async function runTfjs(backend: 'cpu' | 'wasm', workloads: string[], runs: number): Promise<Row[]> {
  if (backend === 'wasm') {
    const dist = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(dist.endsWith(path.sep) ? dist : dist + path.sep);
    setThreadsCount(1);
  }
  await tf.setBackend(backend);
  await tf.ready();
  const rows: Row[] = [];
  for (const w of workloads) {
    const n = runs;
    if (w === 'W1') rows.push(await train('W1', W1, backend, n));
    if (w === 'W4') rows.push(await train('W4', W4, backend, n));
    if (w === 'W3') rows.push(...await infer(backend, n));
    if (w === 'W5') rows.push(await sgemm(backend, n));
  }
  return rows;
}
