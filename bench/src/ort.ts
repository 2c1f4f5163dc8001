/** onnxruntime-node 1.30 (CPU execution provider, one intra-op thread) on W3, from Recur's ONNX export. */
import * as ort from 'onnxruntime-node';
import { W3, W3_TIMING, timeMedian, tokenIds, tokensPerS, type Row } from './workloads.js';

export async function runOrt(onnx: Uint8Array, runs: number): Promise<Row[]> {
  const session = await ort.InferenceSession.create(onnx, {
    executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
  });
  const rows: Row[] = [];
  for (const B of W3.batches) {
    const feeds: Record<string, ort.Tensor> = { text: new ort.Tensor('int32', tokenIds(W3.T, B, W3.V), [W3.T, B]) };
    if (session.inputNames.includes('lengths')) feeds.lengths = new ort.Tensor('int32', new Int32Array(B).fill(W3.T), [B]);
    const t = W3_TIMING(B, runs);
    const { median, times } = await timeMedian(() => session.run(feeds), t.runs, t.warmup);
    rows.push({ workload: 'W3', framework: 'onnxruntime', backend: 'cpu', threads: 1, batch: B, ms_median: median, tokens_per_s: tokensPerS(B * W3.T, median), runs: times.length });
  }
  await session.release();
  return rows;
}
