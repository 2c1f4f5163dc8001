/**
 * Recur on its WebGPU backend (`pnpm bench --backend webgpu`): W1, W4, W3 and W2 with, beside the
 * median time, what each step costs the device — compute dispatches, command-buffer submits, storage
 * bytes bound by the dispatches (each bound buffer counted once per dispatch: a proxy for device
 * memory traffic), device-side copies, host uploads (tensors + uniforms) and read-backs — taken from
 * the backend's counters over the timed steps. The adapter's name is in every row, so a SwiftShader
 * run (a CPU emulating a GPU) can never pass for a GPU number.
 */
import { noGrad } from '@recur/autograd';
import { Adam, SentimentRNN, bceWithLogits, trainStep } from '@recur/recurrent';
import { memory, scope, setBackend, tensor } from '@recur/tensor';
import { createWebGPUBackend, type WebGPUBackend, type WebGPUBackendOptions } from '@recur/tensor/webgpu';
import { W1, W2, W3, W4, labels, timeMedian, tokenIds, tokensPerS, type GpuCost, type Row, type TrainShape } from './workloads.js';

const model = (s: TrainShape, seed = 7) => new SentimentRNN({
  vocabSize: s.V, embeddingDim: s.E, hiddenDim: s.H, numLayers: s.layers, bidirectional: s.bidirectional,
  dropout: s.dropout, cell: s.cell, padIdx: 1, seed,
});

type Stats = WebGPUBackend['stats'];

/** Per-call device cost over `calls` calls, from two snapshots of the backend's counters. */
function cost(before: Stats, after: Stats, calls: number, T: number): GpuCost {
  const per = (k: keyof Stats) => (after[k] - before[k]) / calls;
  return {
    dispatches_per_step: per('dispatches'),
    dispatches_per_timestep: Math.round((per('dispatches') / T) * 100) / 100,
    submits_per_step: per('submits'),
    bound_mb_per_step: Math.round((per('boundBytes') / 2 ** 20) * 10) / 10,
    copy_mb_per_step: Math.round((per('copyBytes') / 2 ** 20) * 100) / 100,
    upload_kb_per_step: Math.round((per('uploadBytes') / 1024) * 10) / 10,
    read_kb_per_step: Math.round((per('readBytes') / 1024) * 100) / 100,
  };
}

/** Times `fn` (after `warmup` untimed calls) and measures its device cost per call. */
async function measure(b: WebGPUBackend, fn: () => Promise<unknown>, runs: number, warmup: number, T: number) {
  for (let i = 0; i < warmup; i++) await fn();
  // After the warm-up: the optimizer's moments exist by then and are not counted as left over.
  const tensors = memory().tensors;
  const s0 = { ...b.stats };
  const { median, times } = await timeMedian(fn, runs, 0);
  return { median, times, gpu: cost(s0, { ...b.stats }, runs, T), left: memory().tensors - tensors };
}

function adapterName(b: WebGPUBackend): string {
  const a = b.adapterInfo;
  return [a.vendor, a.architecture, a.description].filter(Boolean).join(' / ') || 'unknown adapter';
}

async function train(b: WebGPUBackend, id: string, s: TrainShape, runs: number): Promise<Row> {
  const m = model(s);
  const opt = new Adam(m, { lr: 1e-3 });
  const ids = tensor(tokenIds(s.T, s.B, s.V), [s.T, s.B], 'int32');
  const y = tensor(labels(s.B), [s.B, 1]);
  const lengths = new Array<number>(s.B).fill(s.T);
  const step = trainStep({ model: m, optimizer: opt, loss: () => bceWithLogits(m.forward(ids, lengths), y) });
  const { median, times, gpu, left } = await measure(b, () => step(undefined), runs, 1, s.T);
  ids.dispose(); y.dispose(); opt.dispose(); m.dispose();
  return {
    workload: id, framework: 'recur', backend: 'webgpu', adapter: adapterName(b), threads: 1, batch: s.B,
    ms_median: median, tokens_per_s: tokensPerS(s.B * s.T, median), runs: times.length, gpu,
    note: gpuNote(gpu) + (left ? `; ${left} tensors left after the steps` : ''),
  };
}

async function infer(b: WebGPUBackend, runs: number): Promise<Row[]> {
  const m = model(W1).eval();
  const rows: Row[] = [];
  for (const B of W3.batches) {
    const ids = tensor(tokenIds(W3.T, B, W3.V), [W3.T, B], 'int32');
    const lengths = new Array<number>(B).fill(W3.T);
    const fwd = async () => {
      const out = noGrad(() => scope(() => m.forward(ids, lengths)));
      try { return await out.data(); } finally { out.dispose(); }
    };
    const { median, times, gpu } = await measure(b, fwd, Math.max(runs, B === 1 ? 10 : 5), 2, W3.T);
    ids.dispose();
    if (B === 1) {
      // Dispatches the recurrence adds per time step: the same forward at T and T/2, differenced.
      const half = W3.T >> 1;
      const hIds = tensor(tokenIds(half, 1, W3.V), [half, 1], 'int32');
      const count = async (x: typeof hIds, T: number) => {
        const d0 = b.stats.dispatches;
        const out = noGrad(() => scope(() => m.forward(x, [T])));
        await out.data().finally(() => out.dispose());
        return b.stats.dispatches - d0;
      };
      const full = tensor(tokenIds(W3.T, 1, W3.V), [W3.T, 1], 'int32');
      gpu.loop_dispatches_per_timestep = (await count(full, W3.T) - await count(hIds, half)) / (W3.T - half);
      full.dispose(); hIds.dispose();
    }
    rows.push({
      workload: 'W3', framework: 'recur', backend: 'webgpu', adapter: adapterName(b), threads: 1, batch: B,
      ms_median: median, tokens_per_s: tokensPerS(B * W3.T, median), runs: times.length, gpu, note: gpuNote(gpu),
    });
  }
  m.dispose();
  return rows;
}

/** The per-step cost as one line under the row. */
export function gpuNote(g: GpuCost): string {
  return `per step: ${g.dispatches_per_step} dispatches (${g.dispatches_per_timestep} per time step), ${g.submits_per_step} submits, ` +
    `${g.loop_dispatches_per_timestep !== undefined ? `${g.loop_dispatches_per_timestep} added per extra time step, ` : ''}${g.bound_mb_per_step} MiB bound, ${g.copy_mb_per_step} MiB copied, ${g.upload_kb_per_step} KiB up, ${g.read_kb_per_step} KiB read back`;
}

/**
 * Runs the listed workloads (W1, W4, W3, W2) on a new WebGPU backend; `runs` timed calls each.
 * `options.gpu` is the `GPU` object to use (default: `webgpu`'s `create([])` in Node, through the backend).
 */
export async function runRecurWebgpu(workloads: string[], runs: number, options: Pick<WebGPUBackendOptions, 'gpu' | 'adapterOptions'> = {}): Promise<Row[]> {
  const b = await createWebGPUBackend(options);
  console.error(`  webgpu adapter: ${adapterName(b)}`);
  setBackend(b);
  const rows: Row[] = [];
  try {
    for (const w of workloads) {
      console.error(`  recur webgpu ${w}…`);
      if (w === 'W1') rows.push(await train(b, 'W1', W1, runs));
      if (w === 'W4') rows.push(await train(b, 'W4', W4, runs));
      if (w === 'W3') rows.push(...await infer(b, runs));
      if (w === 'W2') rows.push(await train(b, 'W2', W2, runs));
    }
  } finally {
    setBackend('cpu');
    b.dispose();
  }
  return rows;
}
