/** The seed tutorial's sentiment classifier as a reusable module (PyTorch names and numbers). */
import { concat, formatShape, reshape, scope, slice, type Tensor } from '@recur/tensor';
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../module.js';
import type { RecurrentBase } from '../rnn/base.js';
import { maskedMaxPool, maskedMeanPool, POOL_MODES, type PoolMode } from '../layers/pooling.js';
import { WordDropout } from '../layers/word-dropout.js';
import { GRU, LSTM, RNN } from '../rnn/layers.js';
import type { Lengths } from '../rnn/packing.js';

export interface SentimentRNNOptions {
  vocabSize: number;
  embeddingDim: number;
  hiddenDim: number;
  /** Default 1 (one logit for BCE). */
  outputDim?: number;
  /** Default 2. */
  numLayers?: number;
  /** Default true. */
  bidirectional?: boolean;
  /** Default 0.5 (on the embeddings, between RNN layers, and before the head). */
  dropout?: number;
  /** Index of `<pad>` (no gradient, zero at init). */
  padIdx?: number;
  /** Default 'lstm'. */
  cell?: 'lstm' | 'gru' | 'rnn';
  seed?: number;
  /**
   * What the classifier sees, concatenated in this order (default `['last']`, the tutorial's final
   * hidden states): `'max'` / `'mean'` pool the top layer's outputs over each review's valid steps.
   */
  pooling?: readonly PoolMode[];
  /** Probability of dropping a whole token's embedding in training (default 0; before `dropout`). */
  embeddingDropout?: number;
}

/**
 * embedding → dropout → packed RNN → concat(h_n[−2], h_n[−1]) (h_n[−1] if unidirectional) →
 * dropout → linear, exactly the seed tutorial's model; parameter names match its state_dict.
 * Options add what stronger IMDB recipes use: word-level embedding dropout and pooling of all
 * time steps (`pooling: ['max', 'mean', 'last']`) instead of the last hidden state alone.
 *
 * @example
 * const model = new SentimentRNN({ vocabSize: 25002, embeddingDim: 100, hiddenDim: 256, padIdx: 1 });
 * model.numParameters(); // 4,810,857
 * const logits = model.forward(ids, lengths); // ids int32 [T, B] → [B, 1]
 */
export class SentimentRNN extends Module {
  readonly embedding: Embedding;
  readonly rnn: RecurrentBase;
  readonly fc: Linear;
  readonly dropout: Dropout;
  readonly bidirectional: boolean;
  readonly pooling: readonly PoolMode[];
  readonly wordDropout: WordDropout;

  constructor(opts: SentimentRNNOptions) {
    super(opts.seed);
    const L = opts.numLayers ?? 2, bi = opts.bidirectional ?? true, p = opts.dropout ?? 0.5, H = opts.hiddenDim;
    this.bidirectional = bi;
    const pooling = opts.pooling ?? ['last'];
    if (pooling.length === 0 || pooling.some((m) => !POOL_MODES.includes(m)) || new Set(pooling).size !== pooling.length) {
      throw new Error(`SentimentRNN: pooling [${pooling.join(', ')}] must list distinct modes among ${POOL_MODES.join(', ')}`);
    }
    this.pooling = [...pooling];
    this.embedding = this.module('embedding', new Embedding({
      numEmbeddings: opts.vocabSize, embeddingDim: opts.embeddingDim, paddingIdx: opts.padIdx, seed: this.seedFor('embedding'),
    }));
    const rnnOpts = { inputSize: opts.embeddingDim, hiddenSize: H, numLayers: L, bidirectional: bi, dropout: L > 1 ? p : 0, seed: this.seedFor('rnn') };
    const cell = opts.cell ?? 'lstm';
    this.rnn = this.module('rnn', cell === 'lstm' ? new LSTM(rnnOpts) : cell === 'gru' ? new GRU(rnnOpts) : new RNN(rnnOpts));
    this.fc = this.module('fc', new Linear({ inFeatures: (bi ? 2 * H : H) * pooling.length, outFeatures: opts.outputDim ?? 1, seed: this.seedFor('fc') }));
    this.dropout = this.module('dropout', new Dropout({ p }));
    // A child only when used (the tutorial's repr stays PyTorch's), after the tutorial's children.
    const wd = new WordDropout({ p: opts.embeddingDropout ?? 0 });
    this.wordDropout = wd.p > 0 ? this.module('wordDropout', wd) : wd;
  }

  /** ids int32 [T, B] (time-major, as the tutorial), lengths per sequence → logits [B, outputDim]. */
  forward(ids: Tensor, lengths?: Lengths): Tensor {
    if (ids.rank !== 2) throw new Error(`SentimentRNN.forward: ids ${formatShape(ids.shape)} should be [seq_len, batch]`);
    return scope(() => {
      const x = this.dropout.forward(this.wordDropout.forward(this.embedding.forward(ids))); // (T, B, E)
      const { output, hN } = this.rnn.forward(x, { lengths }); // (T, B, D·H), (L·D, B, H)
      const [LD, B, H] = hN.shape as [number, number, number];
      const row = (i: number) => reshape(slice(hN, [i, 0, 0], [1, B, H]), [B, H]);
      const last = () => (this.bidirectional ? concat([row(LD - 2), row(LD - 1)], 1) : row(LD - 1)); // (B, D·H)
      const parts = this.pooling.map((m) => (m === 'last' ? last() : m === 'max' ? maskedMaxPool(output, lengths) : maskedMeanPool(output, lengths)));
      const hidden = parts.length === 1 ? parts[0]! : concat(parts, 1); // (B, pooling·D·H)
      return this.fc.forward(this.dropout.forward(hidden)); // (B, O)
    });
  }
}
