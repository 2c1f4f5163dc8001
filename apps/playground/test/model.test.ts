import { noGrad } from '@recur/autograd';
import { writeSafetensors } from '@recur/recurrent';
import { memory, scope, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { prepareData } from '../src/data/dataset.js';
import { sequenceTask } from '../src/data/sequence-tasks.js';
import { parameterCount, validateModel, validateTrain, type ModelConfig } from '../src/model-config.js';
import { inferModelConfig, metaFromSafetensors, metaToSafetensors, parseVocabFile, readSafetensorsHeader } from '../src/model-meta.js';
import type { ModelMeta } from '../src/protocol.js';
import { inspectText } from '../src/worker/inspect.js';
import { buildModel, TrainingSession } from '../src/worker/session.js';

const base: ModelConfig = { cell: 'lstm', vocabSize: 23, embeddingDim: 5, hiddenSize: 4, numLayers: 1, bidirectional: false, dropout: 0, numClasses: 2, padIndex: 1 };
const configs: ModelConfig[] = [
  base,
  { ...base, cell: 'gru', numLayers: 2, bidirectional: true },
  { ...base, cell: 'rnn', numLayers: 3, numClasses: 5 },
  { ...base, cell: 'lstm', numLayers: 2, bidirectional: true, numClasses: 3 },
];

describe('model config', () => {
  it('counts exactly the parameters of the SentimentRNN it builds', () => {
    for (const c of configs) {
      const m = buildModel(c, 1);
      expect(parameterCount(c).total, JSON.stringify(c)).toBe(m.numParameters());
      m.dispose();
    }
    // The seed tutorial's model: 25,002 words, 100-d, 2-layer biLSTM 256 → 4,810,857.
    expect(parameterCount({ ...base, vocabSize: 25_002, embeddingDim: 100, hiddenSize: 256, numLayers: 2, bidirectional: true }).total).toBe(4_810_857);
  });

  it('starts the LSTM forget gate at bias 1 when asked, leaving the other gates as initialised', async () => {
    const c = { ...base, numLayers: 2, bidirectional: true };
    const plain = buildModel(c, 4);
    const fb = buildModel({ ...c, forgetBias1: true }, 4);
    const H = c.hiddenSize;
    for (const suffix of ['l0', 'l1_reverse']) {
      const [a, pa, b, pb] = await Promise.all([`rnn.bias_ih_${suffix}`, `rnn.bias_hh_${suffix}`].flatMap((k) => [fb.stateDict()[k]!.data(), plain.stateDict()[k]!.data()]));
      for (let i = 0; i < 4 * H; i++) {
        const inF = i >= H && i < 2 * H;
        expect(a![i]! + b![i]!).toBeCloseTo(inF ? 1 : pa![i]! + pb![i]!, 6);
        if (!inF) expect(a![i]).toBe(pa![i]);
      }
    }
    plain.dispose();
    fb.dispose();
  });

  it('names invalid fields in words', () => {
    expect(validateModel({ ...base, hiddenSize: 0, dropout: 1.5, numLayers: 2.5 })).toEqual({
      hiddenSize: 'Hidden size must be between 1 and 1024', dropout: 'Dropout must be between 0 and 0.9', numLayers: 'Layers must be a whole number',
    });
    expect(validateTrain({ optimizer: 'adam', learningRate: NaN, clipNorm: 0, batchSize: 32, evalEvery: 10, seed: 1 })).toEqual({ learningRate: 'Learning rate must be a number' });
  });
});

describe('safetensors metadata', () => {
  it('infers the architecture from a state dict and reads back the playground metadata', async () => {
    for (const c of configs) {
      const m = buildModel(c, 2);
      const vocab = ['<unk>', '<pad>', ...Array.from({ length: c.vocabSize - 2 }, (_, i) => `w${i}`)];
      const meta: ModelMeta = { model: c, tokenizer: 'basic_english', classes: Array.from({ length: c.numClasses }, (_, i) => `c${i}`), maxLen: 33, vocab, dataName: 'unit' };
      const bare = readSafetensorsHeader(await writeSafetensors(m.stateDict()));
      expect(inferModelConfig(bare)).toEqual({ ...c, dropout: 0 });
      expect(() => metaFromSafetensors(bare, 'model.safetensors')).toThrow(/has no vocabulary in its metadata: drop its vocab\.json/);
      expect(metaFromSafetensors(bare, 'model.safetensors', vocab).model).toEqual({ ...c, dropout: 0 });
      expect(() => metaFromSafetensors(bare, 'model.safetensors', vocab.slice(1))).toThrow(/vocabulary has 22 tokens but embedding\.weight has 23 rows/);
      const full = readSafetensorsHeader(await writeSafetensors(m.stateDict(), metaToSafetensors(meta)));
      expect(metaFromSafetensors(full, 'model.safetensors')).toEqual(meta);
      m.dispose();
    }
  });

  it('rejects files that are not safetensors or not a classifier', async () => {
    expect(() => readSafetensorsHeader(new Uint8Array([1, 2, 3]), 'a.safetensors')).toThrow(/a\.safetensors: 3 bytes is too short/);
    expect(() => readSafetensorsHeader(new TextEncoder().encode('PK\u0003\u0004 this is a zip file'), 'b.safetensors')).toThrow(/not a safetensors file/);
    const only = readSafetensorsHeader(await writeSafetensors({ 'lstm.weight': scope(() => tensor([1, 2])) }));
    expect(() => inferModelConfig(only, 'c.safetensors')).toThrow(/c\.safetensors: no tensor 'embedding\.weight'/);
    expect(parseVocabFile('{"format":"recur-vocab","version":1,"tokens":["<unk>","a"]}')).toEqual(['<unk>', 'a']);
    expect(parseVocabFile('["x","y"]')).toEqual(['x', 'y']);
    expect(() => parseVocabFile('{"words":1}', 'v.json')).toThrow(/v\.json: no vocabulary found/);
  });
});

describe('training session and inspection (CPU backend)', () => {
  const data = prepareData({
    name: 'brackets', tokenizer: 'chars', classes: ['unbalanced', 'balanced'], maxLen: 12,
    train: sequenceTask({ task: 'brackets', count: 64, length: 12, seed: 1 }), valid: sequenceTask({ task: 'brackets', count: 20, length: 12, seed: 2 }),
  });
  const train = { optimizer: 'adam' as const, learningRate: 0.01, clipNorm: 1, batchSize: 8, evalEvery: 2, seed: 1 };

  it('trains, evaluates and frees every tensor', async () => {
    const before = memory().tensors;
    const c = { ...base, vocabSize: data.vocab.tokens.length, padIndex: data.padIndex, bidirectional: true };
    const s = new TrainingSession(c, train, data.train, data.valid, 0);
    const reports = [];
    for (let i = 0; i < 4; i++) reports.push(await s.trainStep());
    expect(reports.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    for (const r of reports) {
      expect(r.loss).toBeGreaterThan(0.3);
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.gradNorm).toBeGreaterThan(0);
      expect(r.tokensPerSec).toBeGreaterThan(0);
    }
    const ev = (await s.evaluate())!;
    expect(ev.examples).toBe(20);
    expect(ev.accuracy).toBeGreaterThanOrEqual(0);
    expect(ev.accuracy).toBeLessThanOrEqual(1);
    s.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('repeats the same losses for the same seed (what Reset relies on)', async () => {
    const c = { ...base, cell: 'gru' as const, vocabSize: data.vocab.tokens.length, padIndex: data.padIndex };
    const run = async () => {
      const s = new TrainingSession(c, train, data.train, data.valid, 0);
      const out = [(await s.trainStep()).loss, (await s.trainStep()).loss];
      s.dispose();
      return out;
    };
    expect(await run()).toEqual(await run());
  });

  for (const c of configs) {
    it(`inspects a ${c.cell} (${c.numLayers} layer(s)${c.bidirectional ? ', bidirectional' : ''}): prediction = forward, hidden states = layer output`, async () => {
      const cfg = { ...c, vocabSize: data.vocab.tokens.length, padIndex: data.padIndex };
      const model = buildModel(cfg, 5);
      const ids = Int32Array.from([2, 3, 3, 2, 2]);
      const before = memory().tensors;
      const r = await inspectText(model, cfg.cell, ids, ['(', ')', ')', '(', '(']);
      expect(memory().tensors).toBe(before);
      model.eval();
      const { expected, lastOut } = await noGrad(() => scope(() => {
        const x = tensor(ids, [5, 1], 'int32');
        return { expected: model.forward(x, [5]), lastOut: model.rnn.forward(model.embedding.forward(x), { lengths: [5] }).output };
      })) as unknown as { expected: import('@recur/tensor').Tensor; lastOut: import('@recur/tensor').Tensor };
      const want = Array.from(await expected.data());
      const out = await lastOut.data();
      expected.dispose();
      lastOut.dispose();
      model.dispose();
      r.logits.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
      expect(r.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(r.probs).toHaveLength(c.numClasses);
      expect(r.contributions).toHaveLength(5);
      const D = c.bidirectional ? 2 : 1, H = c.hiddenSize;
      expect(r.layers).toHaveLength(c.cell === 'rnn' ? D : c.numLayers * D);
      // The last layer's hidden states (rebuilt from gates for LSTM/GRU) match the layer's output.
      for (const t of r.layers.filter((l) => l.layer === c.numLayers - 1)) {
        for (let s = 0; s < 5; s++) for (let u = 0; u < H; u++) expect(t.hidden[s * H + u]).toBeCloseTo(out[s * D * H + t.direction * H + u]!, 5);
      }
      if (c.cell === 'lstm') expect(r.layers[0]!.gates).toHaveLength(5 * 4 * H);
      if (c.cell === 'gru') expect(r.layers[0]!.gates).toHaveLength(5 * 3 * H);
    });
  }
});
