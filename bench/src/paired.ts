/**
 * Steps timed with one thread and with `threads` threads, alternately in one process, so that both
 * see the same load on a shared machine whose speed drifts over minutes (`pnpm bench` threaded rows,
 * `src/threads.ts`).
 */
import { setNumThreads } from '@recur/tensor';

export interface Timings { median: number; min: number; times: number[] }

const summary = (times: number[]): Timings => ({ median: [...times].sort((p, q) => p - q)[times.length >> 1]!, min: Math.min(...times), times });

/** `runs` timed steps per thread count after one warm-up each; leaves `threads` threads set. */
export async function pairedTimes(step: () => unknown, runs: number, threads: number): Promise<{ one: Timings; many: Timings }> {
  const t = { one: [] as number[], many: [] as number[] };
  for (const n of [1, threads]) { setNumThreads(n); await step(); } // warm-up, worker start
  for (let r = 0; r < runs; r++) {
    for (const [k, n] of [['one', 1], ['many', threads]] as const) {
      setNumThreads(n); // outside the timed step
      const t0 = performance.now();
      await step();
      t[k].push(performance.now() - t0);
    }
  }
  setNumThreads(threads);
  return { one: summary(t.one), many: summary(t.many) };
}
