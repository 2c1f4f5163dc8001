import { describe, expect, it } from 'vitest';
import { annotateRatios, bestPeer, combineRounds, describeRatio, ratioTo } from './ratios.js';
import type { Row } from './workloads.js';

const row = (framework: Row['framework'], workload: string, ms: number, extra: Partial<Row> = {}): Row =>
  ({ workload, framework, backend: 'cpu', threads: 1, batch: 32, ms_median: ms, tokens_per_s: 0, ...extra });

describe('bestPeer', () => {
  it('divides Recur by the fastest peer of the same workload and batch, naming it', () => {
    const recur = row('recur', 'W3', 1.5, { batch: 1 });
    const rows = [recur, row('pytorch', 'W3', 2.2, { batch: 1 }), row('onnxruntime', 'W3', 0.5, { batch: 1 }),
      row('onnxruntime', 'W3', 0.1, { batch: 64 }), row('tfjs', 'W3', 27, { batch: 1, backend: 'wasm' })];
    expect(bestPeer(rows, recur)).toEqual({ peer: 'onnxruntime', peer_ms: 0.5, ratio: 3 });
  });

  it('names tfjs by backend and has no answer without a peer', () => {
    const recur = row('recur', 'W5', 60);
    expect(bestPeer([recur, row('tfjs', 'W5', 90, { backend: 'wasm' }), row('tfjs', 'W5', 5000, { backend: 'cpu' })], recur)?.peer).toBe('tfjs-wasm');
    expect(bestPeer([recur, row('recur', 'W5', 40, { threads: 2 })], recur)).toBeUndefined();
  });
});

describe('annotateRatios', () => {
  it('marks every CPU Recur row (threaded ones too) and no peer or WebGPU row', () => {
    const rows = [row('recur', 'W1', 85), row('recur', 'W1', 60, { threads: 2 }), row('recur', 'W1', 9000, { backend: 'webgpu' }),
      row('pytorch', 'W1', 68)];
    annotateRatios(rows);
    expect(rows[0]!.vs_best_peer).toEqual({ peer: 'pytorch', peer_ms: 68, ratio: 1.25 });
    expect(rows[1]!.vs_best_peer?.ratio).toBeCloseTo(60 / 68, 3);
    expect(rows[2]!.vs_best_peer).toBeUndefined();
    expect(rows[3]!.vs_best_peer).toBeUndefined();
  });
});

describe('ratioTo', () => {
  it('compares the one-thread Recur row with the named peer only', () => {
    const rows = [row('recur', 'W2', 4000, { threads: 2 }), row('recur', 'W2', 5500, { batch: 64 }), row('pytorch', 'W2', 2750, { batch: 64 })];
    expect(ratioTo(rows, 'W2', 'pytorch')).toBe(2);
    expect(ratioTo(rows, 'W2', 'onnxruntime')).toBeUndefined();
  });
});

describe('describeRatio', () => {
  it('says slower above 1 and how much faster below', () => {
    expect(describeRatio(1.24)).toBe('1.24× (slower)');
    expect(describeRatio(0.8)).toBe('0.80× (1.25× faster)');
    expect(describeRatio(1)).toBe('1.00× (even)');
  });
});

describe('combineRounds', () => {
  it('takes the median of the rounds and keeps each round\'s ratio against that round\'s best peer', () => {
    const rounds = [
      [row('recur', 'W1', 80, { max_rss_mb: 190 }), row('pytorch', 'W1', 200, { max_rss_mb: 315 })],
      [row('recur', 'W1', 200, { max_rss_mb: 192 }), row('pytorch', 'W1', 210, { max_rss_mb: 310 })],
      [row('recur', 'W1', 90, { max_rss_mb: 191 }), row('pytorch', 'W1', 100, { max_rss_mb: 312 })],
    ];
    const rows = combineRounds(rounds);
    expect(rows.map((r) => [r.framework, r.ms_median, r.max_rss_mb])).toEqual([['recur', 90, 192], ['pytorch', 200, 315]]);
    expect(rows[0]!.rounds_ms).toEqual([80, 200, 90]);
    annotateRatios(rows, rounds);
    expect(rows[0]!.vs_best_peer).toEqual({ peer: 'pytorch', peer_ms: 200, ratio: 0.45, round_ratios: [0.4, 0.952, 0.9] });
  });

  it('recomputes W5\'s GFLOP/s from the combined time and leaves one round alone', () => {
    const w5 = (ms: number) => row('recur', 'W5', ms, { batch: 1024, gflops: 1 });
    expect(combineRounds([[w5(50)], [w5(100)], [w5(70)]])[0]!.gflops).toBeCloseTo(30.7, 1);
    const one = [[w5(50)]];
    expect(combineRounds(one)).toBe(one[0]);
  });
});
