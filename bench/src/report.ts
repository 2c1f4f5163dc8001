/** The console report of `pnpm bench`: a table of medians with Recur/peer ratios, and the issue's targets. */
import type { Row } from './workloads.js';

/** A duration for the report: seconds from 1 s, else milliseconds. */
export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`);
const isGpu = (r: Row) => r.backend === 'webgpu';
const label = (r: Row) => `${r.framework}${r.framework === 'tfjs' || isGpu(r) ? `-${r.backend}` : ''}${r.threads > 1 ? ` ×${r.threads}` : ''}`;

/** One line per (workload, batch): Recur's median, then each peer's median and peer/Recur (× = Recur faster). */
export function printTable(rows: Row[]): void {
  const keys = [...new Set(rows.map((r) => `${r.workload}|${r.batch}`))].sort();
  console.log('\nworkload  batch  framework            median        GFLOP/s  vs recur (peer time / recur time)');
  for (const key of keys) {
    const group = rows.filter((r) => `${r.workload}|${r.batch}` === key);
    const recur = group.find((r) => r.framework === 'recur' && r.threads === 1 && !isGpu(r));
    for (const r of group) {
      // Recur with more threads: its speed-up over one thread; a peer: its time over Recur's.
      const more = r.framework === 'recur' && r.threads > 1;
      const one = r.paired_one_thread_ms ?? recur?.ms_median;
      const ratio = more ? (one ? `speed-up ${(one / r.ms_median).toFixed(2)}× over 1 thread${r.paired_one_thread_ms ? ' (alternating steps)' : ''}` : '')
        : !recur || r === recur ? '' : `${(r.ms_median / recur.ms_median).toFixed(2)}×`;
      console.log(`${r.workload.padEnd(9)} ${String(r.batch).padStart(5)}  ${label(r).padEnd(20)} ${fmtMs(r.ms_median).padStart(10)}  ${r.gflops !== undefined ? String(r.gflops).padStart(8) : '        '}  ${ratio}`);
      if (r.note) console.log(`${''.padEnd(17)}${r.note}`);
    }
  }
}

interface Target { what: string; check: (rows: Row[]) => boolean | undefined }

const find = (rows: Row[], w: string, b?: number, threads = 1) =>
  rows.find((r) => r.framework === 'recur' && !isGpu(r) && r.workload === w && (b === undefined || r.batch === b) && r.threads === threads);

const TARGETS: Target[] = [
  { what: 'W1 ≤ 110 ms', check: (rs) => le(find(rs, 'W1')?.ms_median, 110) },
  { what: 'W4 ≤ 95 ms', check: (rs) => le(find(rs, 'W4')?.ms_median, 95) },
  { what: 'W3 batch 64 ≤ 40 ms', check: (rs) => le(find(rs, 'W3', 64)?.ms_median, 40) },
  { what: 'W3 batch 1 ≤ 1.5 ms', check: (rs) => le(find(rs, 'W3', 1)?.ms_median, 1.5) },
  { what: 'W5 ≥ 45 GFLOP/s', check: (rs) => { const g = find(rs, 'W5')?.gflops; return g === undefined ? undefined : g >= 45; } },
  { what: 'W2 ≤ 6 s per step', check: (rs) => le(find(rs, 'W2')?.ms_median, 6000) },
  {
    what: 'W2 with 2 threads ≥ 1.7× faster than 1',
    // The paired one-thread median (steps alternating in one process) when there is one.
    check: (rs) => {
      const a = find(rs, 'W2'), b = find(rs, 'W2', undefined, 2);
      const one = b?.paired_one_thread_ms ?? a?.ms_median;
      return one !== undefined && b ? one / b.ms_median >= 1.7 : undefined;
    },
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

export function printTargets(rows: Row[]): void {
  console.log('\ntargets (one thread unless said):');
  for (const t of TARGETS) {
    const ok = t.check(rows);
    console.log(`  ${ok === undefined ? '–  not run' : ok ? '✓  met    ' : '✗  missed '} ${t.what}`);
  }
}
