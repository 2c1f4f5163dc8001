import { backward } from '@recur/autograd';
import { dispose, hasFusedRnn, mul, scope, setSeed, slice, sum, tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, Dropout, Embedding, GRU, Linear, LSTM, RNN } from '../src/index.js';
import { det, noLeaks } from './helpers.js';

const maxDiff = (a: Tensor, b: Tensor) => { const x = Array.from(a.dataSync()), y = b.dataSync(); return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0); };

describe('Linear / Embedding / Dropout', () => {
  it('Linear handles [.., I] inputs and checks the feature size', () => noLeaks(() => {
    const fc = new Linear({ inFeatures: 3, outFeatures: 2, seed: 1 });
    const x = det([4, 5, 3], 1);
    const y = fc.forward(x);
    expect(y.shape).toEqual([4, 5, 2]);
    const bad = det([4, 2], 1);
    expect(() => fc.forward(bad)).toThrow('Linear.forward: input [4,2] should end in in_features=3');
    dispose([x, y, bad]);
    fc.dispose();
  }));

  it('Embedding: the padding row gets zero gradient even when it is non-zero; fromPretrained freezes', () => noLeaks(async () => {
    const m = det([5, 3], 4, 1);
    const emb = Embedding.fromPretrained(m, { freeze: false, paddingIdx: 0 });
    const ids = tensor([[0, 2], [2, 0]], undefined, 'int32');
    const loss = scope(() => sum(mul(emb.forward(ids), det([2, 2, 3], 9, 1))));
    const out = emb.forward(ids);
    expect([...out.dataSync().slice(0, 3)]).toEqual([...m.dataSync().slice(0, 3)]); // pad row value unchanged
    const [g] = backward(loss, [emb.weight.value]);
    const gd = await g!.data();
    expect([...gd.slice(0, 3)]).toEqual([0, 0, 0]);
    expect(Math.abs(gd[6]!)).toBeGreaterThan(0);
    const frozen = Embedding.fromPretrained(m);
    expect(frozen.weight.requiresGrad).toBe(false);
    expect(frozen.trainableParameters()).toEqual([]);
    expect(frozen.repr()).toBe('Embedding(5, 3)');
    const fl = tensor([1.5]);
    expect(() => emb.forward(fl)).toThrow('Embedding.forward: ids must be int32, got float32 [1]');
    const far = tensor([7], undefined, 'int32');
    expect(() => emb.forward(far)).toThrow('out of range [0, 5)');
    dispose([m, ids, loss, out, g!, fl, far]);
    emb.dispose();
    frozen.dispose();
  }));

  it('Dropout: inverted scaling, seeded, identity in eval', () => noLeaks(() => {
    const drop = new Dropout({ p: 0.3 });
    const x = tensor(new Float32Array(20000).fill(1), [20000]);
    setSeed(11);
    const y1 = drop.forward(x);
    setSeed(11);
    const y2 = drop.forward(x);
    expect([...y1.dataSync()]).toEqual([...y2.dataSync()]);
    const d = y1.dataSync();
    const zeros = d.filter((v) => v === 0).length / d.length;
    expect(zeros).toBeGreaterThan(0.28);
    expect(zeros).toBeLessThan(0.32);
    expect(d.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    expect(drop.eval().forward(x)).toBe(x);
    expect(drop.repr()).toBe('Dropout(p=0.3, inplace=False)');
    expect(() => new Dropout({ p: 1.5 })).toThrow('Dropout: p must be in [0, 1], got 1.5');
    dispose([x, y1, y2]);
  }));

  it('LSTM dropout acts between layers in training only', () => noLeaks(() => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, dropout: 0.5, seed: 2 });
    const x = det([5, 2, 3], 1, 1);
    const a = lstm.forward(x), b = lstm.forward(x);
    expect(maxDiff(a.output, b.output)).toBeGreaterThan(0);
    lstm.eval();
    const c = lstm.forward(x), d = lstm.forward(x);
    expect(maxDiff(c.output, d.output)).toBe(0);
    dispose([x, a.output, a.hN, a.cN, b.output, b.hN, b.cN, c.output, c.hN, c.cN, d.output, d.hN, d.cN]);
    lstm.dispose();
  }));
});

describe('packed lengths and gate introspection', () => {
  it('outputs are zero past each length; h_n equals the last valid output; a shorter batch gives the same numbers', () => noLeaks(() => {
    const gru = new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true, seed: 4 });
    const x = det([5, 2, 3], 2, 1);
    const { output, hN } = gru.forward(x, { lengths: [5, 2] });
    const o = output.dataSync(), h = hN.dataSync();
    for (let t = 2; t < 5; t++) for (let j = 0; j < 8; j++) expect(o[(t * 2 + 1) * 8 + j]).toBe(0);
    for (let j = 0; j < 4; j++) {
      expect(h[1 * 4 + j]).toBeCloseTo(o[(1 * 2 + 1) * 8 + j]!, 6); // forward: step len−1
      expect(h[(2 + 1) * 4 + j]).toBeCloseTo(o[(0 * 2 + 1) * 8 + 4 + j]!, 6); // reverse: step 0
    }
    // Sequence 1 alone, truncated to its length, gives the same h_n.
    const x1 = scope(() => slice(x, [0, 1, 0], [2, 1, 3]));
    const alone = gru.forward(x1);
    const ha = alone.hN.dataSync();
    for (let j = 0; j < 4; j++) {
      expect(ha[j]).toBeCloseTo(h[4 + j]!, 6);
      expect(ha[4 + j]).toBeCloseTo(h[12 + j]!, 6);
    }
    dispose([x, x1, output, hN, alone.output, alone.hN]);
    gru.dispose();
  }));

  for (const fused of [false, true]) {
    it(`LSTM returnGates (${fused ? 'fused' : 'composite'}): i,f,g,o and cells reproduce c and h`, () => noLeaks(() => {
      if (fused && !hasFusedRnn('lstm')) return;
      const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true, numLayers: 2, seed: 9, fused });
      const x = det([4, 2, 3], 3, 1);
      const r = lstm.forward(x, { returnGates: true, lengths: [4, 3] });
      expect(r.gates!.map((g) => [g.layer, g.direction, g.gates.shape, g.cells!.shape])).toEqual([
        [0, 0, [4, 2, 16], [4, 2, 4]], [0, 1, [4, 2, 16], [4, 2, 4]], [1, 0, [4, 2, 16], [4, 2, 4]], [1, 1, [4, 2, 16], [4, 2, 4]],
      ]);
      // Forward direction of the last layer: c_t = f⊙c_{t−1} + i⊙g and h_t = o⊙tanh(c_t) = output.
      const G = r.gates![2]!.gates.dataSync(), C = r.gates![2]!.cells!.dataSync(), O = r.output.dataSync();
      for (let t = 0; t < 3; t++) {
        for (let j = 0; j < 4; j++) {
          const at = (k: number) => G[(t * 2 + 0) * 16 + k * 4 + j]!;
          const cPrev = t === 0 ? 0 : C[((t - 1) * 2) * 4 + j]!;
          expect(C[(t * 2) * 4 + j]).toBeCloseTo(at(1) * cPrev + at(0) * at(2), 5);
          expect(O[(t * 2) * 8 + j]).toBeCloseTo(at(3) * Math.tanh(C[(t * 2) * 4 + j]!), 5);
        }
      }
      dispose([x, r.output, r.hN, r.cN]);
      for (const g of r.gates!) dispose([g.gates, g.cells!]);
      lstm.dispose();
    }));
  }

  it('GRU gates r, z, n from the composite path match the fused kernel at valid steps', () => noLeaks(() => {
    if (!hasFusedRnn('gru')) return;
    const gru = new GRU({ inputSize: 3, hiddenSize: 4, seed: 9 });
    const x = det([4, 2, 3], 3, 1);
    const a = gru.forward(x, { returnGates: true, fused: false }), b = gru.forward(x, { returnGates: true, fused: true });
    expect(maxDiff(a.gates![0]!.gates, b.gates![0]!.gates)).toBeLessThan(1e-6);
    dispose([x, a.output, a.hN, b.output, b.hN, a.gates![0]!.gates, b.gates![0]!.gates]);
    gru.dispose();
  }));
});

describe('bad input is refused with what and where', () => {
  const lstm = () => new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, seed: 1 });
  it('rank, feature size, dtype, lengths, initial states', () => noLeaks(() => {
    const m = lstm(), bf = new GRU({ inputSize: 3, hiddenSize: 4, batchFirst: true, seed: 1 });
    const x2 = det([4, 3], 1), x5 = det([4, 2, 5], 1), x = det([4, 2, 3], 1), x64 = tensor(new Float64Array(24), [4, 2, 3]);
    const h = det([1, 2, 4], 1);
    expect(() => m.forward(x2)).toThrow('LSTM.forward: input [4,3] should be 3-D [seq_len, batch, input_size]');
    expect(() => bf.forward(x2)).toThrow('GRU.forward: input [4,3] should be 3-D [batch, seq_len, input_size]');
    expect(() => m.forward(x5)).toThrow('LSTM.forward: input [4,2,5] has 5 features, expected input_size=3');
    expect(() => m.forward(x64)).toThrow('LSTM.forward: input is float64, the parameters are float32');
    const empty = tensor(new Float32Array(0), [4, 0, 3]);
    expect(() => m.forward(empty)).toThrow('LSTM.forward: input [4,0,3] holds no sequences (batch 0); pass at least one');
    empty.dispose();
    expect(() => m.forward(x, { lengths: [4, 5] })).toThrow('LSTM.forward: lengths[1] = 5 must be an integer in [1, 4] (the sequence has 4 steps)');
    expect(() => m.forward(x, { lengths: [0, 2] })).toThrow('lengths[0] = 0 must be an integer in [1, 4]');
    expect(() => m.forward(x, { lengths: [1.5, 2] })).toThrow('lengths[0] = 1.5');
    expect(() => m.forward(x, { lengths: [2] })).toThrow('LSTM.forward: got 1 lengths for a batch of 2 sequences');
    expect(() => m.forward(x, { h0: h })).toThrow('LSTM.forward: h0 [1,2,4] should be [num_layers*num_directions=2, batch=2, hidden_size=4]');
    expect(() => bf.forward(x, { c0: h } as never)).toThrow('c0');
    expect(() => new LSTM({ inputSize: 0, hiddenSize: 4 })).toThrow('LSTM: inputSize must be a positive integer, got 0');
    expect(() => new RNN({ inputSize: 3, hiddenSize: 4, nonlinearity: 'sigmoid' as never })).toThrow("RNN: unknown nonlinearity 'sigmoid'");
    dispose([x2, x5, x, x64, h]);
    m.dispose();
    bf.dispose();
  }));

  it('a non-finite loss stops minimize before any parameter changes', () => noLeaks(async () => {
    const fc = new Linear({ inFeatures: 2, outFeatures: 1, seed: 1 });
    const opt = new Adam(fc, { lr: 0.1 });
    const before = [...fc.weight.value.dataSync()];
    const x = tensor([[Number.NaN, 1]]);
    await expect(opt.minimize(() => sum(fc.forward(x)))).rejects.toThrow('Adam.minimize: the loss is NaN at step 1; parameters were not updated');
    expect([...fc.weight.value.dataSync()]).toEqual(before);
    expect(opt.stepCount).toBe(0);
    const x2 = tensor([[1, 1], [2, 2]]);
    await expect(opt.minimize(() => fc.forward(x2))).rejects.toThrow('Adam.minimize: the loss must be a scalar, got [2,1]');
    dispose([x, x2]);
    opt.dispose();
    fc.dispose();
  }));
});
