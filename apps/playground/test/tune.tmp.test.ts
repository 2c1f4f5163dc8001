import { it } from 'vitest';
import { prepareData } from '../src/data/dataset.js';
import { builtinCorpus } from '../src/data/synthetic.js';
import { TrainingSession } from '../src/worker/session.js';
it('tune', async () => {
  for (const [lr, H, B, E] of [[0.05, 12, 16, 8], [0.1, 12, 16, 8], [0.05, 16, 32, 16], [0.02, 16, 32, 16], [0.1, 16, 32, 8]]) {
    const { train, test } = builtinCorpus({ train: 400, test: 100 });
    const d = prepareData({ name: 'b', tokenizer: 'basic_english', classes: ['n', 'p'], train, valid: test, maxLen: 20 });
    const s = new TrainingSession({ cell: 'lstm', vocabSize: d.vocab.tokens.length, embeddingDim: E, hiddenSize: H, numLayers: 1, bidirectional: false, dropout: 0, numClasses: 2, padIndex: d.padIndex },
      { optimizer: 'adam', learningRate: lr, clipNorm: 5, batchSize: B, evalEvery: 20, seed: 1 }, d.train, d.valid, 0);
    const losses: number[] = [];
    const t0 = Date.now();
    for (let i = 0; i < 40; i++) losses.push((await s.trainStep()).loss);
    const ev = await s.evaluate();
    const m = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3);
    console.log(lr, H, B, E, 'first8', m(losses.slice(0, 8)), 'last8', m(losses.slice(-8)), 'valid', ev!.loss.toFixed(3), ev!.accuracy.toFixed(3), Date.now() - t0, 'ms');
    s.dispose();
  }
}, 120000);
