/** Builds the classifier and its optimizer from a configuration. */
import { Adam, AdamW, RMSprop, SGD, SentimentRNN, type Optimizer } from '@recur/recurrent';
import type { OptimizerKind, TrainConfig } from '../config.js';

/**
 * The seed tutorial's classifier with the configured cell and sizes. `seed` fixes the initial
 * weights (the same seed gives the same model on every machine).
 *
 * @example
 * const model = buildModel(presetConfig('seed'), 25_002, 1); // 4,810,857 parameters
 */
export function buildModel(config: TrainConfig, vocabSize: number, padIdx: number): SentimentRNN {
  const m = config.model;
  return new SentimentRNN({
    vocabSize,
    embeddingDim: m.embeddingDim,
    hiddenDim: m.hidden,
    outputDim: 1,
    numLayers: m.layers,
    bidirectional: m.bidirectional,
    dropout: m.dropout,
    padIdx,
    cell: m.cell,
    seed: config.seed,
    pooling: m.pooling ?? ['last'],
    embeddingDropout: m.embeddingDropout ?? 0,
  });
}

/** The optimizer over the model's trainable parameters (PyTorch defaults besides lr; SGD with momentum 0.9). */
export function buildOptimizer(kind: OptimizerKind, model: SentimentRNN, lr: number): Optimizer {
  switch (kind) {
    case 'adam':
      return new Adam(model, { lr });
    case 'adamw':
      return new AdamW(model, { lr });
    case 'sgd':
      return new SGD(model, { lr, momentum: 0.9 });
    case 'rmsprop':
      return new RMSprop(model, { lr });
  }
}
