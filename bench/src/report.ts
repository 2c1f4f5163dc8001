/** The console report of `pnpm bench`: medians, peak RSS, Recur / best-peer ratios, and the issue's targets. */
import { describeRatio, peerName, ratioTo } from './ratios.js';
import type { Row } from './workloads.js';

/** A duration for the report: seconds from 1 s, else milliseconds. */
export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`);
const isGpu = (r: Row) => r.backend === 'webgpu';
const label = (r: Row) => `${r.framework}${r.framework === 'tfjs' || isGpu(r) ? `-${r.backend}` : ''}${r.threads > 1 ? ` ×${r.threads}` : ''}`;

/** `; rounds 0.39, 0.97×`: each round's ratio against that round's best peer (with --rounds). */
const roundsOf = (r: Row) => (r.vs_best_peer?.round_ratios?.length ? `; rounds ${r.vs_best_peer.round_ratios.map((x) => x.toFixed(2)).join(', ')}×` : '');
const rss = (r: Row) => (r.max_rss_mb !== undefined ? `${r.max_rss_mb} MiB` : '');

/**
 * One line per row, grouped by (workload, batch): median, GFLOP/s, the process's peak RSS, and for
 * Recur its time over the fastest peer's in this run (ratios.ts; call annotateRatios first), for a
 * peer Recur's time over its own.
 */
export function printTable(rows: Row[]): void {
  const keys = [...new Set(rows.map((r) => `${r.workload}|${r.batch}`))].sort();
  console.log('\nworkload  batch  framework            median        GFLOP/s  peak RSS    recur time / peer time');
  for (const key of keys) {
    const group = rows.filter((r) => `${r.workload}|${r.batch}` === key);
    const recur = group.find((r) => r.framework === 'recur' && r.threads === 1 && !isGpu(r));
    for (const r of group) {
      const more = r.framework === 'recur' && r.threads > 1 && r.paired_one_thread_ms;
      const ratio = r.vs_best_peer ? `best peer ${r.vs_best_peer.peer}: ${describeRatio(r.vs_best_peer.ratio)}${roundsOf(r)}`
        : r.framework !== 'recur' && recur ? `${(recur.ms_median / r.ms_median).toFixed(2)}×` : '';
      // Threaded Recur rows also give their speed-up over one-thread steps run alternately with them.
      const speedup = more ? `; ${(r.paired_one_thread_ms! / r.ms_median).toFixed(2)}× over 1 thread (alternating steps)` : '';
      console.log(`${r.workload.padEnd(9)} ${String(r.batch).padStart(5)}  ${label(r).padEnd(20)} ${fmtMs(r.ms_median).padStart(10)}  ${r.gflops !== undefined ? String(r.gflops).padStart(8) : '        '}  ${rss(r).padStart(9)}   ${ratio}${speedup}`);
      if (r.note) console.log(`${''.padEnd(17)}${r.note}`);
    }
  }
}

const NAMES: Record<string, string> = { W1: 'LSTM train step', W4: 'GRU train step', W2: 'seed model train step', W3: 'LSTM inference', W5: 'sgemm 1024³', W6: 'seed model, longest bucket' };

/** The issue's table: per workload Recur (1 thread), each peer, Recur / best peer, and peak RSS of Recur and PyTorch. */
export function printSummary(rows: Row[]): void {
  const recurRows = rows.filter((r) => r.framework === 'recur' && r.threads === 1 && !isGpu(r));
  if (recurRows.length === 0) return;
  const peers = [...new Set(rows.filter((r) => r.framework !== 'recur').map(peerName))];
  console.log(`\nRecur against the best peer in this run (time ratio recur / peer; one thread each):`);
  console.log(`  ${'workload'.padEnd(34)} ${['recur', ...peers].map((p) => p.padStart(11)).join(' ')}   recur / best peer             peak RSS recur / pytorch`);
  for (const r of recurRows) {
    const cell = (p: string) => { const x = rows.find((o) => o.framework !== 'recur' && peerName(o) === p && o.workload === r.workload && o.batch === r.batch); return (x ? fmtMs(x.ms_median) : '—').padStart(11); };
    const torch = rows.find((o) => o.framework === 'pytorch' && o.workload === r.workload && o.batch === r.batch);
    const best = r.vs_best_peer ? `${describeRatio(r.vs_best_peer.ratio)} ${r.vs_best_peer.peer}` : 'no peer ran it';
    const spread = r.vs_best_peer?.round_ratios?.length ? ` [${Math.min(...r.vs_best_peer.round_ratios).toFixed(2)}–${Math.max(...r.vs_best_peer.round_ratios).toFixed(2)}]` : '';
    const mem = `${r.max_rss_mb ?? '?'} / ${torch?.max_rss_mb ?? '—'} MiB`;
    const name = `${r.workload} ${NAMES[r.workload] ?? ''}${r.workload === 'W3' ? `, batch ${r.batch}` : ''}`;
    console.log(`  ${name.padEnd(34)} ${fmtMs(r.ms_median).padStart(11)} ${peers.map(cell).join(' ')}   ${(best + spread).padEnd(29)} ${mem}`);
  }
  console.log('  peak RSS: each workload in its own process, whole-process peak (ru_maxrss), runtime included (W3: both batches in one process)');
}

interface Target { what: string; check: (rows: Row[], probe?: number) => boolean | undefined; value?: (rows: Row[], probe?: number) => string }

const find = (rows: Row[], w: string, b?: number, threads = 1) =>
  rows.find((r) => r.framework === 'recur' && !isGpu(r) && r.workload === w && (b === undefined || r.batch === b) && r.threads === threads);

/** A ratio target: Recur's one-thread time over a named peer's in this run, at most `limit`. */
const ratioTarget = (w: string, peer: string, limit: number, batch?: number): Target => ({
  what: `${w}${batch !== undefined ? ` batch ${batch}` : ''} ≤ ${limit.toFixed(1)}× ${peer}`,
  check: (rs) => le(ratioTo(rs, w, peer, batch), limit),
  value: (rs) => { const x = ratioTo(rs, w, peer, batch); return x === undefined ? '' : `${x.toFixed(2)}×`; },
});

const w2Speedup = (rs: Row[]) => {
  const a = find(rs, 'W2'), b = find(rs, 'W2', undefined, 2);
  const one = b?.paired_one_thread_ms ?? a?.ms_median;
  return one !== undefined && b ? one / b.ms_median : undefined;
};

/** Issue 18's targets: ratios to the peers measured in the same run. */
const TARGETS: Target[] = [
  ratioTarget('W1', 'pytorch', 1.0), ratioTarget('W4', 'pytorch', 1.0), ratioTarget('W2', 'pytorch', 1.3),
  ratioTarget('W3', 'onnxruntime', 1.5, 1), ratioTarget('W3', 'pytorch', 1.1, 64),
  {
    what: 'W2 two-thread speed-up ≥ 90 % of what two processes get (machine probe, same run)',
    // Not judged when other jobs left no second core (probe < 1.5×): 90 % of nothing passes trivially.
    check: (rs, probe) => { const s = w2Speedup(rs); return s === undefined || probe === undefined || probe < 1.5 ? undefined : s >= 0.9 * probe; },
    value: (rs, probe) => { const s = w2Speedup(rs); return s === undefined || probe === undefined ? '' : `${s.toFixed(2)}× of ${probe.toFixed(2)}×`; },
  },
  {
    what: 'W2 peak RSS ≤ PyTorch\'s',
    check: (rs) => { const a = find(rs, 'W2')?.max_rss_mb, b = rs.find((r) => r.framework === 'pytorch' && r.workload === 'W2')?.max_rss_mb; return a === undefined || b === undefined ? undefined : a <= b; },
    value: (rs) => { const a = find(rs, 'W2')?.max_rss_mb, b = rs.find((r) => r.framework === 'pytorch' && r.workload === 'W2')?.max_rss_mb; return a === undefined || b === undefined ? '' : `${a} / ${b} MiB`; },
  },
  {
    // Flat: the second half of the run peaks within 5 % of the first half (which includes warm-up).
    what: 'W2 peak RSS flat over 200 steps (--w2-steps 200)',
    check: (rs) => {
      const s = find(rs, 'W2')?.peak_rss_mb;
      if (!s || s.length < 200) return undefined;
      const half = s.length >> 1;
      return Math.max(...s.slice(half)) <= 1.05 * Math.max(...s.slice(0, half));
    },
  },
];

function le(v: number | undefined, limit: number): boolean | undefined {
  return v === undefined ? undefined : v <= limit;
}

/** The issue's GPU targets (for a datacenter GPU), judged only on rows from a real GPU adapter. */
const GPU_TARGETS: Array<[string, string, number | undefined, number]> = [
  ['W1 training step ≤ 10 ms', 'W1', undefined, 10], ['W2 training step ≤ 250 ms', 'W2', undefined, 250],
  ['W3 batch 64 ≤ 5 ms', 'W3', 64, 5],
];

export function printGpuTargets(rows: Row[]): void {
  const gpu = rows.filter(isGpu);
  if (gpu.length === 0) return;
  const emulated = gpu.some((r) => /swiftshader|llvmpipe|lavapipe/i.test(r.adapter ?? ''));
  console.log(`\nWebGPU targets (datacenter GPU) on ${gpu[0]!.adapter}${emulated ? ' — a CPU emulation, not judged' : ''}:`);
  for (const [what, w, b, limit] of GPU_TARGETS) {
    const r = gpu.find((x) => x.workload === w && (b === undefined || x.batch === b));
    const state = !r ? '–  not run ' : emulated ? `·  ${fmtMs(r.ms_median)} (emulated)` : r.ms_median <= limit ? `✓  met ${fmtMs(r.ms_median)}` : `✗  missed ${fmtMs(r.ms_median)}`;
    console.log(`  ${state.padEnd(24)} ${what}`);
  }
  // Counted, not timed: judged on any adapter.
  const loop = gpu.find((x) => x.workload === 'W3' && x.gpu?.loop_dispatches_per_timestep !== undefined)?.gpu?.loop_dispatches_per_timestep;
  if (loop !== undefined) {
    console.log(`  ${(loop <= 1 ? '✓  met' : '✗  missed').padEnd(24)} forward ≤ 1 dispatch per time step per layer direction (W3: ${loop} per extra step)`);
  }
}

export function printTargets(rows: Row[], probe?: number): void {
  console.log('\ntargets (issue 18; one thread, ratios within this run):');
  for (const t of TARGETS) {
    const ok = t.check(rows, probe);
    const v = t.value?.(rows, probe) ?? '';
    const state = ok === undefined ? (v ? '–  not judged' : '–  not run') : ok ? '✓  met    ' : '✗  missed ';
    console.log(`  ${state} ${t.what}${v ? `: ${v}` : ''}${ok === undefined && v ? ' (the machine gave no second core)' : ''}`);
  }
}
