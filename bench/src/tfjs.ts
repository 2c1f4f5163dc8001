/** tfjs 4.22 (tfjs-layers on the cpu or wasm backend) on the same workloads. */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { W1, W3, W3_TIMING, W4, W5, labels, timeMedian, tokenIds, tokensPerS, type Row, type TrainShape } from './workloads.js';

function build(s: TrainShape): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.embedding({ inputDim: s.V, outputDim: s.E, inputLength: s.T }));
  // Glorot instead of the default orthogonal recurrent init: tfjs-layers' orthogonal initializer
  // fails in this setup (rMat.flatten is not a function) and does not change the speed. The GRU
  // keeps tfjs' default reset_after=false (its GRUCell rejects true); the cost is the same.
  const init = { recurrentInitializer: 'glorotUniform' as const };
  const rnn = s.cell === 'lstm' ? tfl.layers.lstm({ units: s.H, ...init }) : tfl.layers.gru({ units: s.H, ...init });
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

/** Runs `f` in a tidy and reads its result outside it (dataSync inside tidy is ~8× slower on wasm). */
function readOut(f: () => tf.Tensor): void {
  const y = tf.tidy(f);
  y.dataSync();
  y.dispose();
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
    const t = W3_TIMING(B, runs);
    const { median, times } = await timeMedian(() => readOut(() => m.predict(x) as tf.Tensor), t.runs, t.warmup);
    x.dispose();
    rows.push({ workload: 'W3', framework: 'tfjs', backend, threads: 1, batch: B, ms_median: median, tokens_per_s: tokensPerS(B * W3.T, median), runs: times.length });
  }
  m.dispose();
  return rows;
}

async function sgemm(backend: string, runs: number): Promise<Row> {
  const a = tf.randomUniform([W5.n, W5.n]), b = tf.randomUniform([W5.n, W5.n]);
  const { median, times } = await timeMedian(() => readOut(() => tf.matMul(a, b)), Math.max(runs, 7));
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
    try {
      if (w === 'W1') rows.push(await train('W1', W1, backend, runs));
      if (w === 'W4') rows.push(await train('W4', W4, backend, runs));
      if (w === 'W3') rows.push(...await infer(backend, runs));
      if (w === 'W5') rows.push(await sgemm(backend, runs));
    } catch (e) {
      // e.g. tfjs-wasm has no UnsortedSegmentSum kernel, which the embedding gradient needs.
      process.stdout.write(`NOTE tfjs-${backend} ${w}: ${(e as Error).message.split('\n')[0]}\n`);
    }
  }
  return rows;
}
