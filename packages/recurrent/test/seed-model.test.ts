import { backward } from '@recur/autograd';
import { dispose, keep, reshape, scope, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { bceWithLogits, SentimentRNN } from '../src/index.js';
import { smallSeedModel } from './seed.js';
import { expectClose, fixture, loadDet, noLeaks, type Fx } from './helpers.js';

const fx = fixture<{
  meta: { config: { vocab_size: number; embedding_dim: number; hidden_dim: number; output_dim: number; n_layers: number; bidirectional: boolean; dropout: number; pad_idx: number } };
  ids: number[][]; lengths: number[]; labels: number[]; logits: Fx; loss: number; grads: Record<string, Fx>;
  paramCountFullSize: number; reprFullSize: string;
}>('seed_model.json');
const c = fx.meta.config;

describe('seed model (embedding → 2-layer biLSTM, packed → cat(h[-2], h[-1]) → linear → BCE) vs PyTorch', () => {
  it('forward and backward match for every parameter', () => noLeaks(() => {
    const model = smallSeedModel();
    loadDet(model);
    model.eval();
    const ids = tensor(fx.ids, undefined, 'int32'), labels = tensor(fx.labels);
    let logits = undefined as unknown as ReturnType<typeof tensor>;
    const loss = scope(() => {
      logits = keep(model.forward(ids, fx.lengths));
      return bceWithLogits(reshape(logits, [-1]), labels);
    });
    expectClose(logits, fx.logits, 'logits');
    expect(loss.dataSync()[0]).toBeCloseTo(fx.loss, 6);
    const named = model.namedParameters();
    const grads = backward(loss, named.map(([, p]) => p.value));
    expect(named.map(([n]) => n)).toEqual(Object.keys(fx.grads));
    named.forEach(([n], i) => expectClose(grads[i]!, fx.grads[n]!, `grad ${n}`));
    // The <pad> row gets no gradient.
    expect([...grads[0]!.dataSync().slice(c.pad_idx * c.embedding_dim, (c.pad_idx + 1) * c.embedding_dim)]).toEqual([0, 0, 0, 0, 0]);
    dispose([...grads, loss, logits, ids, labels]);
    model.dispose();
  }));

  it(`has ${fx.paramCountFullSize.toLocaleString('en-US')} parameters at the seed's sizes and PyTorch's repr`, () => noLeaks(() => {
    const model = new SentimentRNN({ vocabSize: 25002, embeddingDim: 100, hiddenDim: 256, outputDim: 1, numLayers: 2, bidirectional: true, dropout: 0.5, padIdx: 1, seed: 1 });
    expect(model.numParameters()).toBe(4_810_857);
    expect(model.numParameters()).toBe(fx.paramCountFullSize);
    expect(model.repr()).toBe(fx.reprFullSize);
    expect(model.toString()).toBe(`${fx.reprFullSize}\nParameters: 4,810,857`);
    expect(Object.keys(model.stateDict())).toEqual([
      'embedding.weight',
      ...[0, 1].flatMap((l) => ['', '_reverse'].flatMap((r) => ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((w) => `rnn.${w}_l${l}${r}`))),
      'fc.weight', 'fc.bias',
    ]);
    model.dispose();
  }));

  it('GRU and RNN variants and the unidirectional head', () => noLeaks(() => {
    const ids = tensor(fx.ids, undefined, 'int32');
    for (const cell of ['gru', 'rnn'] as const) {
      for (const bidirectional of [true, false]) {
        const m = new SentimentRNN({ vocabSize: 11, embeddingDim: 5, hiddenDim: 4, outputDim: 2, bidirectional, padIdx: 1, cell, seed: 3 });
        m.eval();
        const y = m.forward(ids, fx.lengths);
        expect(y.shape).toEqual([3, 2]);
        expect(m.fc.inFeatures).toBe(bidirectional ? 8 : 4);
        y.dispose();
        m.dispose();
      }
    }
    ids.dispose();
  }));
});
