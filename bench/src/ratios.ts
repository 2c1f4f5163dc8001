/**
 * Recur against its peers within one run (issue 18): every Recur CPU row as its time over the
 * fastest peer's time for the same workload and batch. Only rows of the same run are compared: the
 * host's speed drifts by tens of percent over minutes, so a ratio across runs says little.
 */
import type { Row } from './workloads.js';

/** A peer's name in the tables: `pytorch`, `onnxruntime`, `tfjs-wasm`, `tfjs-cpu`. */
export const peerName = (r: Row) => (r.framework === 'tfjs' ? `tfjs-${r.backend}` : r.framework);

const isCpuRecur = (r: Row) => r.framework === 'recur' && r.backend !== 'webgpu';

/**
 * The fastest peer for `r`'s workload and batch among `rows`, and Recur's time over it (above 1:
 * Recur is slower). Undefined when no peer ran it. Peers run on one thread; a Recur row with more
 * threads is still compared with them (its label says how many threads it had).
 */
export function bestPeer(rows: readonly Row[], r: Row): { peer: string; peer_ms: number; ratio: number } | undefined {
  const peers = rows.filter((p) => p.framework !== 'recur' && p.workload === r.workload && p.batch === r.batch && p.ms_median > 0);
  if (peers.length === 0) return undefined;
  const best = peers.reduce((a, b) => (b.ms_median < a.ms_median ? b : a));
  return { peer: peerName(best), peer_ms: best.ms_median, ratio: round3(r.ms_median / best.ms_median) };
}

/** Sets `vs_best_peer` on every Recur CPU row of this run (WebGPU rows have no GPU peer here). */
export function annotateRatios(rows: Row[]): void {
  for (const r of rows) {
    if (!isCpuRecur(r)) continue;
    const b = bestPeer(rows, r);
    if (b) r.vs_best_peer = b;
    else delete r.vs_best_peer;
  }
}

/** Recur's one-thread time over one named peer's (`pytorch`, `onnxruntime`, …), or undefined if either is missing. */
export function ratioTo(rows: readonly Row[], workload: string, peer: string, batch?: number): number | undefined {
  const pick = (pred: (r: Row) => boolean) => rows.find((r) => r.workload === workload && (batch === undefined || r.batch === batch) && pred(r));
  const recur = pick((r) => isCpuRecur(r) && r.threads === 1);
  const other = pick((r) => r.framework !== 'recur' && peerName(r) === peer);
  return recur && other ? round3(recur.ms_median / other.ms_median) : undefined;
}

/** `1.24× (slower)` / `0.80× (1.25× faster)`: the time ratio first, always Recur / peer. */
export function describeRatio(ratio: number): string {
  if (ratio > 1.005) return `${ratio.toFixed(2)}× (slower)`;
  if (ratio < 0.995) return `${ratio.toFixed(2)}× (${(1 / ratio).toFixed(2)}× faster)`;
  return `${ratio.toFixed(2)}× (even)`;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
