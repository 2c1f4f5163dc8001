/** The seed's SentimentRNN: export with tokenizer metadata, ORT parity on tokenized text, metadata round trip. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SentimentRNN } from '@recur/recurrent';
import { basicEnglish } from '@recur/text';
import { memory, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { checkModel, decodeModel, exportSentimentModel, readTokenizerSettings, TextIdEncoder, WithProbabilities } from '../src/index.js';
import { loadOnnx, saveOnnx, verifyOnnx, verifyOnTexts } from '../src/node/index.js';
import { REVIEWS, smallVocab } from './helpers.js';

describe('exportSentimentModel', () => {
  it.each(['lstm', 'gru', 'rnn'] as const)('%s classifier matches Recur on tokenized reviews and carries its tokenizer', async (cell) => {
    const before = memory().tensors;
    const vocab = smallVocab();
    const model = new SentimentRNN({ vocabSize: vocab.length, embeddingDim: 6, hiddenDim: 5, padIdx: 1, cell, seed: 7 }).eval();
    const { bytes, warnings, inputNames, outputNames } = await exportSentimentModel(model, {
      tokenizer: 'basic_english', lowercase: true, vocab, padIndex: 1, unkIndex: 0, maxLength: 12, labels: ['negative', 'positive'],
      metadata: { 'recur.run': 'test-run' },
    });
    expect(warnings).toEqual([]);
    expect(checkModel(bytes)).toEqual([]);
    expect(inputNames).toEqual(['text', 'lengths']);
    expect(outputNames).toEqual(['logits', 'probabilities']);
    const proto = decodeModel(bytes);
    expect(proto.producerName).toBe('recur');
    expect(proto.docString).toMatch(/basic_english/);
    expect(proto.graph.input.map((i) => i.docString)).toEqual([expect.stringMatching(/token ids/), expect.stringMatching(/tokens per text/)]);
    expect(proto.graph.node.filter((n) => ['LSTM', 'GRU', 'RNN'].includes(n.opType)).map((n) => n.name)).toEqual([`rnn/${cell.toUpperCase()}_l0`, `rnn/${cell.toUpperCase()}_l1`]);
    const settings = readTokenizerSettings(proto);
    expect(settings).toMatchObject({ tokenizer: 'basic_english', vocab, padIndex: 1, unkIndex: 0, maxLength: 12, labels: ['negative', 'positive'], batchFirst: false });
    expect(Object.fromEntries(proto.metadataProps!.map((p) => [p.key, p.value]))['recur.run']).toBe('test-run');

    const batch = new TextIdEncoder(settings).encode(REVIEWS);
    expect([...batch.lengths]).toEqual([11, 9, 2, 12]); // the last one truncated at maxLength, 'ok.' → ['ok', '.']
    const ids = tensor(batch.ids, batch.dims, 'int32');
    const r = await verifyOnnx(new WithProbabilities(model), bytes, { inputs: [ids, batch.lengths] });
    ids.dispose();
    model.dispose();
    expect(memory().tensors).toBe(before);
    expect(Object.keys(r.outputs).sort()).toEqual(['logits', 'probabilities']);
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    console.log(`SentimentRNN(${cell}) max |ORT − Recur| = ${r.maxAbsDiff.toExponential(2)}`);
  });

  it('a classifier pooling max, mean and last states (masks from lengths) exports and matches on texts of other sizes', async () => {
    const before = memory().tensors;
    const vocab = smallVocab();
    const model = new SentimentRNN({ vocabSize: vocab.length, embeddingDim: 6, hiddenDim: 5, padIdx: 1, cell: 'gru', pooling: ['max', 'mean', 'last'], seed: 9 }).eval();
    const { bytes, model: proto } = await exportSentimentModel(model, { tokenizer: 'basic_english', lowercase: true, vocab, padIndex: 1, unkIndex: 0 });
    expect(checkModel(bytes)).toEqual([]);
    expect(proto.graph.node.filter((n) => n.opType === 'GRU').length).toBe(2);
    expect(proto.graph.node.some((n) => n.opType === 'Range')).toBe(true); // the padding mask is computed from `lengths` in the graph
    const r = await verifyOnTexts(bytes, model, REVIEWS);
    model.dispose();
    expect(memory().tensors).toBe(before);
    expect(r.runs.length).toBe(3);
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('refuses a vocabulary that does not fit the embedding', async () => {
    const model = new SentimentRNN({ vocabSize: 10, embeddingDim: 4, hiddenDim: 3, seed: 1 }).eval();
    await expect(exportSentimentModel(model, { tokenizer: 'basic_english', lowercase: true, vocab: ['<unk>', '<pad>'], padIndex: 1, unkIndex: 0 }))
      .rejects.toThrow(/the vocabulary has 2 tokens, the embedding 10 rows \('embedding\.weight'\)/);
    model.dispose();
  });

  it('TextIdEncoder pads time-major, maps unknown words to <unk>, rejects token-less text', () => {
    const enc = new TextIdEncoder({ tokenizer: 'basic_english', lowercase: true, vocab: ['<unk>', '<pad>', 'good', '!'], padIndex: 1, unkIndex: 0 });
    const b = enc.encode(['Good!', 'GOOD movie !!']);
    expect(b.dims).toEqual([4, 2]);
    expect([...b.ids]).toEqual([2, 2, 3, 0, 1, 3, 1, 3]);
    expect([...b.lengths]).toEqual([2, 4]);
    expect(() => enc.encode(['fine', '"'])).toThrow(/text 1 has no tokens/);
  });
});

describe('real IMDB reviews, files on disk', () => {
  const root = process.env.RECUR_DATA ?? join(import.meta.dirname, '../../../../shared/data');
  const testDir = join(root, 'imdb/aclImdb/test');
  const hasData = existsSync(join(testDir, 'pos')) && existsSync(join(testDir, 'neg'));

  it.runIf(hasData)('saveOnnx → loadOnnx → verifyOnTexts on 8 test reviews within 1e-5', async () => {
    const texts = ['pos', 'neg'].flatMap((l) => readdirSync(join(testDir, l)).sort().slice(0, 4).map((f) => readFileSync(join(testDir, l, f), 'utf8')));
    const counts = new Map<string, number>();
    for (const t of texts) for (const w of basicEnglish(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const vocab = ['<unk>', '<pad>', ...[...counts].filter(([, n]) => n > 1).map(([w]) => w)];
    const model = new SentimentRNN({ vocabSize: vocab.length, embeddingDim: 8, hiddenDim: 6, padIdx: 1, seed: 3 }).eval();
    const { bytes } = await exportSentimentModel(model, { tokenizer: 'basic_english', lowercase: true, vocab, padIndex: 1, unkIndex: 0, maxLength: 200 });
    const dir = mkdtempSync(join(tmpdir(), 'recur-onnx-imdb-'));
    try {
      const file = join(dir, 'model.onnx');
      await saveOnnx(file, bytes);
      const loaded = await loadOnnx(file);
      expect(loaded.settings?.vocab).toEqual(vocab);
      const r = await verifyOnTexts(file, model, texts);
      console.log(`IMDB reviews: max |ORT − Recur| = ${r.maxAbsDiff.toExponential(2)} over ${texts.length} texts`);
      expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      model.dispose();
    }
  });
});
