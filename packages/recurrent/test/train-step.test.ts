/** trainStep, evaluate and readTogether: same numbers as the hand-written loop, one read, no leaks. */
import { backward, noGrad } from '@recur/autograd';
import { cast, dispose, equal, greater, memory, reshape, scope, sum, tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, bceWithLogits, clipGradNorm, evaluate, GRU, Linear, Module, readTogether, trainStep } from '../src/index.js';
import { det, noLeaks } from './helpers.js';

/** A small GRU classifier: (T, B, 3) → (B). */
class Net extends Module {
  readonly rnn = this.module('rnn', new GRU({ inputSize: 3, hiddenSize: 5, seed: 3 }));
  readonly fc = this.module('fc', new Linear({ inFeatures: 5, outFeatures: 1, seed: 4 }));
  forward(x: Tensor): Tensor {
    const { hN } = this.rnn.forward(x);
    return reshape(this.fc.forward(reshape(hN, [-1, 5])), [-1]);
  }
}

interface Batch { x: Tensor; y: Tensor }
const batches = (n: number): Batch[] =>
  Array.from({ length: n }, (_, i) => ({ x: det([4, 6, 3], 10 + i), y: tensor([1, 0, 1, 1, 0, i % 2], [6]) }));
const values = (m: Module) => m.parameters().map((p) => [...p.value.dataSync()]);
const correctOf = (logits: Tensor, y: Tensor) => noGrad(() => sum(cast(equal(cast(greater(logits, 0), 'float32'), y), 'float32')));

describe('trainStep', () => {
  it('updates the parameters bit for bit as backward + clipGradNorm + step, and reports loss, norm and metrics', () => noLeaks(async () => {
    const data = batches(3);
    const [a, b] = [new Net(), new Net()];
    const [optA, optB] = [new Adam(a, { lr: 0.05 }), new Adam(b, { lr: 0.05 })];
    const step = trainStep({
      model: a, optimizer: optA, clipNorm: 0.05,
      loss: ({ x, y }: Batch) => {
        const logits = a.forward(x);
        return { loss: bceWithLogits(logits, y), metrics: { correct: correctOf(logits, y) } };
      },
    });
    for (const batch of data) {
      const r = await step(batch);
      // The same step by hand on the twin model.
      const params = optB.params.map((p) => p.value);
      const { logits, loss, correct } = scope(() => {
        const logits = b.forward(batch.x);
        return { logits, loss: bceWithLogits(logits, batch.y), correct: correctOf(logits, batch.y) };
      });
      const grads = backward(loss, params);
      const c = clipGradNorm(grads, 0.05);
      optB.step(c.grads);
      expect(r.loss).toBe(loss.dataSync()[0]);
      expect(r.gradNorm).toBe(c.totalNorm.dataSync()[0]);
      expect(r.gradNorm).toBeGreaterThan(0.05); // so the clipping did something
      expect(r.metrics.correct).toBe(correct.dataSync()[0]);
      expect(r.skipped).toBe(false);
      dispose([logits, loss, correct, ...grads, ...c.grads, c.totalNorm]);
      expect(values(a)).toEqual(values(b));
    }
    expect(optA.stepCount).toBe(3);
    dispose(data.flatMap((d) => [d.x, d.y]));
    [optA, optB, a, b].forEach((o) => o.dispose());
  }));

  it('leaves no tensor behind across steps and sets training mode', () => noLeaks(async () => {
    const net = new Net().eval();
    const opt = new Adam(net, { lr: 0.01 });
    const [batch] = batches(1);
    const step = trainStep({ model: net, optimizer: opt, gradNorm: true, loss: ({ x, y }: Batch) => bceWithLogits(net.forward(x), y) });
    const r1 = await step(batch!);
    expect(net.training).toBe(true);
    const live = memory().tensors;
    const r2 = await step(batch!);
    expect(memory().tensors).toBe(live);
    expect(r2.loss).toBeLessThan(r1.loss);
    expect(r1.gradNorm).toBeGreaterThan(0);
    expect(r1.metrics).toEqual({});
    dispose([batch!.x, batch!.y]);
    opt.dispose();
    net.dispose();
  }));

  it('a non-finite loss updates nothing: it throws by default and is reported with onNonFinite: skip', () => noLeaks(async () => {
    const fc = new Linear({ inFeatures: 2, outFeatures: 1, seed: 1 });
    const opt = new Adam(fc, { lr: 0.1 });
    const before = values(fc);
    const x = tensor([[Number.NaN, 1]]);
    const loss = () => sum(fc.forward(x));
    await expect(trainStep({ optimizer: opt, loss })(undefined)).rejects.toThrow('Adam step: the loss is NaN at step 1; parameters were not updated');
    const r = await trainStep({ optimizer: opt, loss, onNonFinite: 'skip', clipNorm: 1 })(undefined);
    expect(r.skipped).toBe(true);
    expect(r.loss).toBeNaN();
    expect(values(fc)).toEqual(before);
    expect(opt.stepCount).toBe(0);
    const x2 = tensor([[1, 1], [2, 2]]);
    await expect(trainStep({ optimizer: opt, loss: () => fc.forward(x2) })(undefined)).rejects.toThrow('Adam step: the loss must be a scalar, got [2,1]');
    await expect(trainStep({ optimizer: opt, loss: () => ({ loss: sum(fc.forward(x2)), metrics: { out: fc.forward(x2) } }) })(undefined))
      .rejects.toThrow("Adam step: metric 'out' must be a scalar (one element), got [2,1]");
    expect(() => trainStep({ optimizer: opt, loss, clipNorm: -1 })).toThrow('trainStep: clipNorm must be ≥ 0, got -1');
    dispose([x, x2]);
    opt.dispose();
    fc.dispose();
  }));
});

describe('evaluate', () => {
  it('gives per-example means over all batches in eval mode, then restores the mode', () => noLeaks(async () => {
    const net = new Net();
    const data = batches(3);
    const seen: number[] = [];
    const r = await evaluate({
      model: net, batches: data,
      outputs: ({ x, y }: Batch) => {
        expect(net.training).toBe(false);
        const logits = net.forward(x);
        return { loss: bceWithLogits(logits, y, { reduction: 'none' }), correct: equal(greater(logits, 0), cast(y, 'bool')) };
      },
      onBatch: (v, _b, i) => { seen.push(i); expect(v.loss.length).toBe(6); },
    });
    expect(net.training).toBe(true);
    expect(seen).toEqual([0, 1, 2]);
    expect(r.batches).toBe(3);
    expect(r.count).toEqual({ loss: 18, correct: 18 });
    // Reference: the per-batch mean losses, averaged (equal batch sizes).
    let ref = 0;
    for (const { x, y } of data) {
      const l = noGrad(() => scope(() => bceWithLogits(net.forward(x), y)));
      ref += l.dataSync()[0]! / 3;
      l.dispose();
    }
    expect(r.mean.loss).toBeCloseTo(ref, 6);
    expect(r.sum.correct).toBe(Math.round(r.mean.correct * 18));
    dispose(data.flatMap((d) => [d.x, d.y]));
    net.dispose();
  }));
});

describe('readTogether', () => {
  it('reads tensors of several dtypes and shapes in one go, in order', () => noLeaks(async () => {
    const ts = [tensor([1.5]), tensor([1, 2, 3], [3], 'int32'), tensor([true, false], [2], 'bool'), tensor([0.25], [1], 'float64')];
    const out = await readTogether(ts);
    expect(out.map((v) => [...v])).toEqual([[1.5], [1, 2, 3], [1, 0], [0.25]]);
    expect(out[0]).toBeInstanceOf(Float64Array);
    expect(await readTogether([])).toEqual([]);
    dispose(ts);
  }));
});
