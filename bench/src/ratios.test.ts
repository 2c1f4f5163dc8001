import { describe, expect, it } from 'vitest';
import { annotateRatios, bestPeer, describeRatio, ratioTo } from './ratios.js';
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
