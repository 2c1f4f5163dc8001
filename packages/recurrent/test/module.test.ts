import { backward } from '@recur/autograd';
import { dispose, memory, scope, setSeed, sum, tensor, type Tensor, zeros } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Embedding, GRU, Linear, LSTM, Module, Parameter, RNN } from '../src/index.js';
import { noLeaks } from './helpers.js';

const stats = (t: Tensor) => {
  const d = t.dataSync();
  let mn = Infinity, mx = -Infinity, s = 0, s2 = 0;
  for (const v of d) { mn = Math.min(mn, v); mx = Math.max(mx, v); s += v; s2 += v * v; }
  return { min: mn, max: mx, mean: s / d.length, std: Math.sqrt(s2 / d.length - (s / d.length) ** 2) };
};

describe('Module / Parameter', () => {
  it('registers PyTorch state_dict names (layer, direction) in PyTorch order', () => noLeaks(() => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 1 });
    expect(Object.keys(lstm.stateDict())).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1', 'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse',
    ]);
    expect(lstm.stateDict().weight_ih_l1_reverse!.shape).toEqual([16, 8]);
    expect(lstm.toString()).toBe('LSTM(3, 4, num_layers=2, bidirectional=True)\nParameters: 736');
    const gru = new GRU({ inputSize: 3, hiddenSize: 4, batchFirst: true, dropout: 0.25, numLayers: 2, bias: false, seed: 1 });
    expect(gru.repr()).toBe('GRU(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.25)');
    expect(Object.keys(gru.stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0', 'weight_ih_l1', 'weight_hh_l1']);
    const rnn = new RNN({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu', seed: 1 });
    expect(rnn.repr()).toBe('RNN(3, 4, nonlinearity=relu)');
    for (const m of [lstm, gru, rnn]) m.dispose();
  }));

  it('loadStateDict is strict, names the key and both shapes, and changes nothing on error', () => noLeaks(async () => {
    const fc = new Linear({ inFeatures: 3, outFeatures: 2, seed: 1 });
    const before = await fc.weight.value.array();
    const w = zeros([2, 3]), b = zeros([2]), wrong = zeros([3, 2]), extra = zeros([1]);
    expect(() => fc.loadStateDict({ weight: w })).toThrow("Linear.loadStateDict: missing key(s): bias");
    expect(() => fc.loadStateDict({ weight: w, bias: b, 'fc.extra': extra })).toThrow("unexpected key(s): fc.extra");
    expect(() => fc.loadStateDict({ weight: wrong, bias: b })).toThrow("size mismatch for 'weight': checkpoint has [3,2], the model has [2,3]");
    const ib = tensor([1, 2], undefined, 'int32');
    expect(() => fc.loadStateDict({ weight: w, bias: ib })).toThrow("dtype mismatch for 'bias': checkpoint has int32, the model has float32");
    expect(await fc.weight.value.array()).toEqual(before);
    fc.loadStateDict({ weight: w, bias: b, 'fc.extra': extra }, { strict: false });
    expect(await fc.weight.value.array()).toEqual([[0, 0, 0], [0, 0, 0]]);
    dispose([w, b, wrong, extra, ib]); // the module holds its own handles
    expect(await fc.bias!.value.array()).toEqual([0, 0]);
    fc.dispose();
  }));

  it('train()/eval() reach every child; dispose frees all parameters', () => {
    const before = memory().tensors;
    class Net extends Module {
      a = this.module('a', new Linear({ inFeatures: 2, outFeatures: 2, seed: 1 }));
      b = this.module('b', new LSTM({ inputSize: 2, hiddenSize: 2, seed: 2 }));
    }
    const net = new Net();
    expect(memory().tensors - before).toBe(6);
    net.eval();
    expect([net.training, net.a.training, net.b.training]).toEqual([false, false, false]);
    net.train();
    expect(net.b.training).toBe(true);
    expect(net.namedParameters().map(([n]) => n)).toEqual(['a.weight', 'a.bias', 'b.weight_ih_l0', 'b.weight_hh_l0', 'b.bias_ih_l0', 'b.bias_hh_l0']);
    net.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('Parameter.assign disposes the old value and keeps gradients flowing to the new one', () => noLeaks(async () => {
    const p = new Parameter(tensor([1, 2]));
    const old = p.value;
    p.assign(tensor([3, 4]));
    expect(old.disposed).toBe(true);
    const loss = scope(() => sum(p.value));
    const [g] = backward(loss, [p.value]);
    expect(await g!.array()).toEqual([1, 1]);
    const odd = tensor([1, 2, 3]);
    expect(() => p.assign(odd)).toThrow('Parameter.assign: new value float32 [3] does not match float32 [2]');
    dispose([loss, g!, odd]);
    p.dispose();
  }));

  it('initialisation: PyTorch distributions, reproducible from one seed', () => noLeaks(() => {
    const H = 64;
    const a = new LSTM({ inputSize: 32, hiddenSize: H, seed: 7 }), b = new LSTM({ inputSize: 32, hiddenSize: H, seed: 7 });
    const c = new LSTM({ inputSize: 32, hiddenSize: H, seed: 8 });
    expect([...a.stateDict().weight_hh_l0!.dataSync()]).toEqual([...b.stateDict().weight_hh_l0!.dataSync()]);
    expect(a.stateDict().weight_hh_l0!.dataSync()[0]).not.toBe(c.stateDict().weight_hh_l0!.dataSync()[0]);
    // Different parameters of one module get different streams.
    expect(a.stateDict().weight_ih_l0!.dataSync()[0]).not.toBe(a.stateDict().weight_hh_l0!.dataSync()[0]);
    const k = 1 / Math.sqrt(H), s = stats(a.stateDict().weight_hh_l0!);
    expect(s.min).toBeGreaterThanOrEqual(-k);
    expect(s.max).toBeLessThan(k);
    expect(s.std).toBeCloseTo(k / Math.sqrt(3), 2); // U(−k, k)
    // Without a seed: the global stream, reproducible with setSeed.
    setSeed(3);
    const g1 = new Linear({ inFeatures: 50, outFeatures: 10 });
    setSeed(3);
    const g2 = new Linear({ inFeatures: 50, outFeatures: 10 });
    expect([...g1.weight.value.dataSync()]).toEqual([...g2.weight.value.dataSync()]);
    const lw = stats(g1.weight.value);
    expect(Math.max(-lw.min, lw.max)).toBeLessThanOrEqual(1 / Math.sqrt(50));
    const emb = new Embedding({ numEmbeddings: 400, embeddingDim: 50, paddingIdx: 1, seed: 1 });
    const e = stats(emb.weight.value);
    expect(e.std).toBeGreaterThan(0.95);
    expect(e.std).toBeLessThan(1.05);
    expect([...emb.weight.value.dataSync().slice(50, 100)].every((v) => v === 0)).toBe(true);
    for (const m of [a, b, c, g1, g2, emb]) m.dispose();
  }));
});
