/**
 * One framework in its own process (separate memory, threads and RSS): prints `ROW {json}` lines.
 * argv: framework backend workloads(comma-separated) runs threads w2Steps
 * main.ts starts one process per workload, so each row's `max_rss_mb` (the process's peak resident
 * set) is that workload's; `base_rss_mb` is the resident set once the framework's modules are loaded,
 * before the workload builds anything.
 */
import type { Row } from './workloads.js';

const [framework, backend, list, runsArg, threadsArg, w2Arg] = process.argv.slice(2);
const workloads = list!.split(',');
const runs = Number(runsArg), threads = Number(threadsArg), w2Steps = Number(w2Arg);

let rows: Row[] = [];
let baseRss = 0;
const base = () => { baseRss = Math.round(process.memoryUsage().rss / 2 ** 20); };
if (framework === 'recur' && backend === 'webgpu') {
  const { runRecurWebgpu } = await import('./recur-webgpu.js');
  base();
  rows = await runRecurWebgpu(workloads, runs);
} else if (framework === 'recur') {
  const { runRecur } = await import('./recur.js');
  base();
  rows = await runRecur(workloads, { runs, threads, w2Steps });
} else if (framework === 'tfjs') {
  const { runTfjs } = await import('./tfjs.js');
  base();
  rows = await runTfjs(backend as 'cpu' | 'wasm', workloads, runs);
} else if (framework === 'probe') {
  // The machine's own two-core scaling: products for a fixed time, alone or beside a twin process.
  const { matMul, randomUniform, scope, setNumThreads } = await import('@recur/tensor');
  setNumThreads(1);
  const a = randomUniform([512, 512], -1, 1), b = randomUniform([512, 512], -1, 1);
  scope(() => matMul(a, b).dataSync());
  let flops = 0;
  const t0 = performance.now(), end = t0 + Number(backend) * 1000;
  while (performance.now() < end) {
    scope(() => matMul(a, b).dataSync());
    flops += 2 * 512 ** 3;
  }
  process.stdout.write(`PROBE ${flops / (performance.now() - t0) / 1e6}\n`);
} else if (framework === 'onnxruntime') {
  const { w3Onnx } = await import('./recur.js');
  const { runOrt } = await import('./ort.js');
  base(); // before the export: the peer's process holds Recur's exporter too, counted in its peak
  rows = await runOrt(await w3Onnx(), runs);
}
const maxRss = Math.round(process.resourceUsage().maxRSS / 1024);
for (const r of rows) process.stdout.write(`ROW ${JSON.stringify({ ...r, base_rss_mb: baseRss, max_rss_mb: maxRss })}\n`);
process.exit(0);
