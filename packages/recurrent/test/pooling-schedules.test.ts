/** Masked pooling over time and the LinearLR / OneCycleLR schedules against PyTorch 1.13 fixtures. */
import { valueAndGrad } from '@recur/autograd';
import { dispose, memory, mul, sum, tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, LinearLR, Linear, OneCycleLR, SentimentRNN, WordDropout, maskedMaxPool, maskedMeanPool } from '../src/index.js';
import { expectClose, fixture, fromFx, type Fx } from './helpers.js';

interface PoolFx {
  lengths: number[];
  x: Fx; x_batch_first: Fx; max: Fx; mean: Fx; u_max: Fx; u_mean: Fx; grad_max: Fx; grad_mean: Fx;
  schedules: Record<'onecycle_cos' | 'onecycle_linear' | 'linear_warmup' | 'linear_decay', number[]>;
}
const f = fixture<PoolFx>('pooling_schedules.json');

describe('masked pooling over time (PyTorch masked amax / masked mean)', () => {
  it('max and mean with lengths, values and gradients, time-major and batch-first', () => {
    const before = memory().tensors;
    const x = fromFx(f.x), xb = fromFx(f.x_batch_first), uMax = fromFx(f.u_max), uMean = fromFx(f.u_mean);
    const pools: Array<[string, (t: Tensor) => Tensor, Tensor, Fx, Fx]> = [
      ['max', (t) => maskedMaxPool(t, f.lengths), uMax, f.max, f.grad_max],
      ['mean', (t) => maskedMeanPool(t, f.lengths), uMean, f.mean, f.grad_mean],
    ];
    for (const [name, pool, u, want, wantGrad] of pools) {
      const y = pool(x);
      expectClose(y, want, `${name} value`);
      const { value, grads } = valueAndGrad((t: Tensor) => sum(mul(pool(t), u)))(x);
      expectClose(grads[0]!, wantGrad, `${name} gradient`);
      dispose([y, value, ...grads]);
    }
    const yb = [maskedMaxPool(xb, f.lengths, true), maskedMeanPool(xb, f.lengths, true)];
    expectClose(yb[0]!, f.max, 'max batch-first');
    expectClose(yb[1]!, f.mean, 'mean batch-first');
    dispose([x, xb, uMax, uMean, ...yb]);
    expect(memory().tensors).toBe(before);
  });

  it('padding never wins a max, even when it is the largest value', () => {
    const x = tensor([1, 9, 2, 9, 3, 9], [3, 2, 1]); // sequence 1 is one step long; its padding holds 9s
    const y = maskedMaxPool(x, [3, 1]);
    expect(Array.from(y.dataSync())).toEqual([3, 9]);
    const m = maskedMeanPool(x, [3, 1]);
    expect(Array.from(m.dataSync())).toEqual([2, 9]);
    dispose([x, y, m]);
  });

  it('names the shape and the bad length', () => {
    const x = tensor(new Float32Array(12), [3, 2, 2]);
    expect(() => maskedMaxPool(tensor([1, 2], [2]), [1])).toThrow(/maskedMaxPool: expected a \[T, B, F\] sequence, got \[2\]/);
    expect(() => maskedMeanPool(x, [4, 1])).toThrow(/lengths\[0\] = 4 must be an integer in \[1, 3\]/);
    x.dispose();
  });
});

describe('schedules (PyTorch formulas)', () => {
  const lrsOf = (make: (o: Adam) => { step(): number }, steps: number) => {
    const m = new Linear({ inFeatures: 1, outFeatures: 1, seed: 1 });
    const opt = new Adam(m, { lr: 3e-3 });
    const s = make(opt);
    const out = [opt.lr];
    for (let i = 0; i < steps; i++) out.push(s.step());
    opt.dispose();
    m.dispose();
    return out;
  };
  const close = (got: number[], want: number[]) => {
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => expect(Math.abs(g - want[i]!), `step ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(want[i]!)));
  };

  it('OneCycleLR, cosine and linear annealing', () => {
    close(lrsOf((o) => new OneCycleLR(o, { maxLr: 3e-3, totalSteps: 50 }), 49), f.schedules.onecycle_cos);
    close(lrsOf((o) => new OneCycleLR(o, { maxLr: 2e-3, totalSteps: 37, pctStart: 0.25, annealStrategy: 'linear', divFactor: 10, finalDivFactor: 100 }), 36), f.schedules.onecycle_linear);
  });

  it('LinearLR warm-up and decay', () => {
    close(lrsOf((o) => new LinearLR(o, { startFactor: 0.1, totalIters: 10 }), 15), f.schedules.linear_warmup);
    close(lrsOf((o) => new LinearLR(o, { startFactor: 1, endFactor: 0.25, totalIters: 7 }), 9), f.schedules.linear_decay);
  });

  it('a resumed OneCycleLR continues from the step count; bad options are named', () => {
    const m = new Linear({ inFeatures: 1, outFeatures: 1, seed: 1 });
    const opt = new Adam(m, { lr: 3e-3 });
    const s = new OneCycleLR(opt, { totalSteps: 50 });
    s.loadStateDict({ epoch: 20 });
    expect(s.lr).toBeCloseTo(f.schedules.onecycle_cos[20]!, 15);
    expect(() => new OneCycleLR(opt, { totalSteps: 0 })).toThrow(/OneCycleLR: totalSteps must be a positive integer, got 0/);
    expect(() => new LinearLR(opt, { startFactor: 0 })).toThrow(/LinearLR: startFactor must be in \(0, 1\]/);
    opt.dispose();
    m.dispose();
  });
});

describe('SentimentRNN pooling and word dropout', () => {
  it('pooling widens the classifier; the tutorial default keeps its names and parameter count', () => {
    const seed = new SentimentRNN({ vocabSize: 50, embeddingDim: 8, hiddenDim: 6, padIdx: 1 });
    const pooled = new SentimentRNN({ vocabSize: 50, embeddingDim: 8, hiddenDim: 6, padIdx: 1, pooling: ['max', 'mean', 'last'], embeddingDropout: 0.2 });
    expect(pooled.fc.inFeatures).toBe(3 * 12);
    expect(Object.keys(seed.stateDict())).toEqual(Object.keys(pooled.stateDict()).filter((k) => k in seed.stateDict()));
    const ids = tensor(Int32Array.from({ length: 5 * 2 }, (_, i) => 2 + (i % 40)), [5, 2], 'int32');
    const before = memory().tensors;
    const y = pooled.eval().forward(ids, [5, 3]);
    expect(y.shape).toEqual([2, 1]);
    y.dispose();
    expect(memory().tensors).toBe(before);
    expect(() => new SentimentRNN({ vocabSize: 5, embeddingDim: 2, hiddenDim: 2, pooling: ['max', 'max'] })).toThrow(/distinct modes/);
    dispose([ids]);
    seed.dispose();
    pooled.dispose();
  });

  it('WordDropout zeroes whole token vectors and scales the rest', () => {
    const d = new WordDropout({ p: 0.5 });
    const x = tensor(new Float32Array(200 * 4).fill(1), [200, 4]);
    const y = d.forward(x), v = y.dataSync();
    let dropped = 0;
    for (let r = 0; r < 200; r++) {
      const row = Array.from(v.subarray(r * 4, r * 4 + 4));
      expect(new Set(row).size).toBe(1); // a row is all kept or all dropped
      expect([0, 2]).toContain(row[0]);
      if (row[0] === 0) dropped++;
    }
    expect(dropped).toBeGreaterThan(60);
    expect(dropped).toBeLessThan(140);
    expect(d.eval().forward(x)).toBe(x);
    dispose([x, y]);
  });
});
