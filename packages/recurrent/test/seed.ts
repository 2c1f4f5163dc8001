/** The seed model at the fixture's small sizes (tools/fixtures/gen_recurrent.py SEED). */
import { SentimentRNN } from '../src/index.js';
import { fixture } from './helpers.js';

const c = fixture<{ meta: { config: { vocab_size: number; embedding_dim: number; hidden_dim: number; output_dim: number; n_layers: number; bidirectional: boolean; dropout: number; pad_idx: number } } }>('seed_model.json').meta.config;

export function smallSeedModel(seed?: number): SentimentRNN {
  return new SentimentRNN({
    vocabSize: c.vocab_size, embeddingDim: c.embedding_dim, hiddenDim: c.hidden_dim, outputDim: c.output_dim,
    numLayers: c.n_layers, bidirectional: c.bidirectional, dropout: c.dropout, padIdx: c.pad_idx, seed,
  });
}
