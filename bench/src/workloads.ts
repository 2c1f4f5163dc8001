/** The benchmark workloads (issue "CPU speed"): shapes shared by every framework's runner. */
import type { BlasInfo } from './blas.js';

export interface TrainShape { cell: 'lstm' | 'gru'; B: number; T: number; E: number; H: number; V: number; layers: number; bidirectional: boolean; dropout: number }

export const W1: TrainShape = { cell: 'lstm', B: 32, T: 100, E: 100, H: 128, V: 20_000, layers: 1, bidirectional: false, dropout: 0 };
export const W4: TrainShape = { ...W1, cell: 'gru' };
/** The seed model: 2-layer bidirectional LSTM 256, GloVe-sized embeddings, batch 64 × 200 tokens. */
export const W2: TrainShape = { cell: 'lstm', B: 64, T: 200, E: 100, H: 256, V: 25_002, layers: 2, bidirectional: true, dropout: 0.5 };
/**
 * The seed model on the longest IMDB bucket: batch 64 × 2,752 steps, the token count of the
 * longest training review (aclImdb train/pos/1175_9.txt under `basicEnglish`, as `recur train`
 * tokenizes); it overflowed the 2 GiB kernel memory before the kernels learnt to run in chunks.
 */
export const W6: TrainShape = { ...W2, T: 2752 };
/** Inference: the W1 model in eval mode at batch 1 and 64. */
export const W3 = { ...W1, batches: [1, 64] };
/**
 * W3's timing for every framework: batch 1 gets 200 untimed forwards first, since JS engines (V8's
 * tiers for Recur's ops, tfjs) reach steady state only after ~200 calls (Recur's batch-1 median fell
 * from ~2.3 to ~0.9 ms between call 20 and call 200), and 100 timed ones; batch 64 takes 3 + 5.
 * torch_bench.py uses the same numbers.
 */
export const W3_TIMING = (B: number, runs: number) => (B === 1 ? { runs: Math.max(runs, 100), warmup: 200 } : { runs: Math.max(runs, 5), warmup: 3 });
export const W5 = { n: 1024 };

export const ALL = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'] as const;
export type WorkloadId = (typeof ALL)[number];

/** One row of bench-results.json. */
export interface Row {
  workload: string;
  framework: 'recur' | 'tfjs' | 'onnxruntime' | 'pytorch';
  backend: string;
  threads: number;
  batch: number;
  ms_median: number;
  tokens_per_s: number;
  gflops?: number;
  runs?: number;
  note?: string;
  peak_rss_mb?: number[];
  /** Peak resident set (MiB) of the process that ran this workload alone (one process per workload). */
  max_rss_mb?: number;
  /** That process's resident set (MiB) once the framework was loaded, before the workload started. */
  base_rss_mb?: number;
  /** Recur rows: time over the fastest peer's for the same workload and batch in the same run (ratios.ts). */
  vs_best_peer?: { peer: string; peer_ms: number; ratio: number; round_ratios?: number[] };
  /** With --rounds: each round's median (ms_median is their median). */
  rounds_ms?: number[];
  /** PyTorch rows: the BLAS it ran on (blas.ts). */
  blas?: BlasInfo;
  /** Threaded rows: the median of the one-thread steps run alternately with them. */
  paired_one_thread_ms?: number;
  /** WebGPU rows: the adapter (vendor / architecture / description) and the device cost per step. */
  adapter?: string;
  gpu?: GpuCost;
}

/** What one step (training step or inference call) costs a WebGPU device, from the backend's counters. */
export interface GpuCost {
  dispatches_per_step: number;
  dispatches_per_timestep: number;
  /** W3: dispatches one more time step adds (the forward at T and T/2, differenced). */
  loop_dispatches_per_timestep?: number;
  submits_per_step: number;
  /** Storage bytes bound by the step's dispatches (each bound buffer once per dispatch), MiB. */
  bound_mb_per_step: number;
  /** Device-side buffer copies, MiB. */
  copy_mb_per_step: number;
  /** Host → device: tensor uploads and uniform buffers, KiB. */
  upload_kb_per_step: number;
  /** Device → host read-backs, KiB. */
  read_kb_per_step: number;
}

/** Deterministic pseudo-random ids in [2, V) (0 and 1 are <unk>/<pad>), time-major [T, B]. */
export function tokenIds(T: number, B: number, V: number, seed = 1): Int32Array {
  const out = new Int32Array(T * B);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = 2 + (s % (V - 2));
  }
  return out;
}

export function labels(B: number): Float32Array {
  return Float32Array.from({ length: B }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
}

/** Median of `runs` timed calls after `warmup` untimed ones. */
export async function timeMedian(fn: () => unknown, runs: number, warmup = 1): Promise<{ median: number; times: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[sorted.length >> 1]!, times };
}

export const tokensPerS = (tokens: number, ms: number) => Math.round((tokens / ms) * 1000);
