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
export function bestPeer(rows: readonly Row[], r: Row): NonNullable<Row['vs_best_peer']> | undefined {
  const peers = rows.filter((p) => p.framework !== 'recur' && p.workload === r.workload && p.batch === r.batch && p.ms_median > 0);
  if (peers.length === 0) return undefined;
  const best = peers.reduce((a, b) => (b.ms_median < a.ms_median ? b : a));
  return { peer: peerName(best), peer_ms: best.ms_median, ratio: round3(r.ms_median / best.ms_median) };
}

const sameRow = (a: Row, b: Row) => a.workload === b.workload && a.framework === b.framework && a.backend === b.backend && a.threads === b.threads && a.batch === b.batch;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * Rows of several rounds (each round: every framework once per workload, seconds apart) as one row per
 * (workload, framework, backend, threads, batch): the median of the rounds' medians, each round's in
 * `rounds_ms`, the largest peak RSS. One round gives its rows back unchanged.
 */
export function combineRounds(rounds: Row[][]): Row[] {
  if (rounds.length === 1) return rounds[0]!;
  const out: Row[] = [];
  for (const r of rounds.flat()) {
    if (out.some((o) => sameRow(o, r))) continue;
    const all = rounds.flatMap((rs) => rs.filter((x) => sameRow(x, r)));
    const c: Row = { ...r, ms_median: median(all.map((x) => x.ms_median)), rounds_ms: all.map((x) => x.ms_median) };
    c.tokens_per_s = Math.round((r.tokens_per_s * r.ms_median) / c.ms_median);
    const rss = all.map((x) => x.max_rss_mb).filter((x): x is number => x !== undefined);
    if (rss.length) c.max_rss_mb = Math.max(...rss);
    const paired = all.map((x) => x.paired_one_thread_ms).filter((x): x is number => x !== undefined);
    if (paired.length) c.paired_one_thread_ms = median(paired);
    if (c.gflops !== undefined) c.gflops = Math.round((2 * c.batch ** 3) / c.ms_median / 1e5) / 10; // W5: batch is n
    out.push(c);
  }
  return out;
}

/**
 * Sets `vs_best_peer` on every Recur CPU row of this run (WebGPU rows have no GPU peer here): against
 * the combined rows, and, given the rounds, each round's ratio against that round's best peer.
 */
export function annotateRatios(rows: Row[], rounds: Row[][] = []): void {
  for (const r of rows) {
    if (!isCpuRecur(r)) continue;
    const b = bestPeer(rows, r);
    if (!b) { delete r.vs_best_peer; continue; }
    r.vs_best_peer = b;
    if (rounds.length > 1) {
      b.round_ratios = rounds.map((rs) => { const own = rs.find((x) => sameRow(x, r)); return own && bestPeer(rs, own)?.ratio; })
        .filter((x): x is number => x !== undefined);
    }
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
