/**
 * The model and training settings the page edits, their validation, and the parameter count
 * (computed from the formula, so it updates as the user types, before any tensor exists).
 */

export type CellType = 'lstm' | 'gru' | 'rnn';
export type OptimizerName = 'adam' | 'sgd';

/** Architecture: Embedding(V, E) → stacked recurrent layers (H, L, D) → Linear(D·H, C). */
export interface ModelConfig {
  cell: CellType;
  vocabSize: number;
  embeddingDim: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  /** Dropout between recurrent layers and before the classifier, in training. */
  dropout: number;
  numClasses: number;
  padIndex: number;
  /**
   * LSTM only: start the forget gate's bias at 1 instead of PyTorch's uniform init (Jozefowicz et al.,
   * 2015), so the cell state keeps information over long sequences from the first step.
   */
  forgetBias1?: boolean;
}

export interface TrainConfig {
  optimizer: OptimizerName;
  learningRate: number;
  /** Clip the global gradient norm to this value; 0 turns clipping off. */
  clipNorm: number;
  batchSize: number;
  /** Validation every this many steps. */
  evalEvery: number;
  seed: number;
}

/** Gates per cell, in PyTorch's order. */
export const GATE_NAMES: Record<CellType, string[]> = {
  lstm: ['i', 'f', 'g', 'o'],
  gru: ['r', 'z', 'n'],
  rnn: [],
};

/** Weights per hidden unit and gate block: 4 for LSTM, 3 for GRU, 1 for a plain RNN. */
export const GATE_MULTIPLIER: Record<CellType, number> = { lstm: 4, gru: 3, rnn: 1 };

/**
 * Outputs of the classifier head: one logit (sigmoid + binary cross-entropy, as the seed tutorial and
 * `recur train`) for two classes, else one logit per class (softmax + cross-entropy).
 */
export function outputDim(numClasses: number): number {
  return numClasses === 2 ? 1 : numClasses;
}

/** Parameters per part of the model, and their total. */
export function parameterCount(c: ModelConfig): { embedding: number; recurrent: number; classifier: number; total: number } {
  const G = GATE_MULTIPLIER[c.cell] * c.hiddenSize;
  const D = c.bidirectional ? 2 : 1;
  let recurrent = 0;
  for (let l = 0; l < c.numLayers; l++) {
    const input = l === 0 ? c.embeddingDim : c.hiddenSize * D;
    // weight_ih [G, I], weight_hh [G, H], bias_ih [G], bias_hh [G], per direction.
    recurrent += D * (G * input + G * c.hiddenSize + 2 * G);
  }
  const embedding = c.vocabSize * c.embeddingDim;
  const O = outputDim(c.numClasses);
  const classifier = c.hiddenSize * D * O + O;
  return { embedding, recurrent, classifier, total: embedding + recurrent + classifier };
}

interface Range { min: number; max: number; integer: boolean }

const MODEL_RANGES: Record<'embeddingDim' | 'hiddenSize' | 'numLayers' | 'dropout', Range & { label: string }> = {
  embeddingDim: { min: 1, max: 1024, integer: true, label: 'Embedding size' },
  hiddenSize: { min: 1, max: 1024, integer: true, label: 'Hidden size' },
  numLayers: { min: 1, max: 4, integer: true, label: 'Layers' },
  dropout: { min: 0, max: 0.9, integer: false, label: 'Dropout' },
};

const TRAIN_RANGES: Record<'learningRate' | 'clipNorm' | 'batchSize' | 'evalEvery', Range & { label: string }> = {
  learningRate: { min: 1e-6, max: 10, integer: false, label: 'Learning rate' },
  clipNorm: { min: 0, max: 1000, integer: false, label: 'Gradient clipping' },
  batchSize: { min: 1, max: 512, integer: true, label: 'Batch size' },
  evalEvery: { min: 1, max: 10_000, integer: true, label: 'Validate every' },
};

function checkRange(value: number, r: Range & { label: string }): string | null {
  if (!Number.isFinite(value)) return `${r.label} must be a number`;
  if (r.integer && !Number.isInteger(value)) return `${r.label} must be a whole number`;
  if (value < r.min || value > r.max) return `${r.label} must be between ${r.min} and ${r.max}`;
  return null;
}

/** Problems with a model config, keyed by field, in words for the page (empty when valid). */
export function validateModel(c: ModelConfig): Partial<Record<keyof ModelConfig, string>> {
  const out: Partial<Record<keyof ModelConfig, string>> = {};
  for (const [k, r] of Object.entries(MODEL_RANGES) as Array<[keyof typeof MODEL_RANGES, Range & { label: string }]>) {
    const msg = checkRange(c[k], r);
    if (msg) out[k] = msg;
  }
  if (!['lstm', 'gru', 'rnn'].includes(c.cell)) out.cell = `Unknown cell type '${c.cell}'`;
  return out;
}

/** Problems with a training config, keyed by field (empty when valid). */
export function validateTrain(c: TrainConfig): Partial<Record<keyof TrainConfig, string>> {
  const out: Partial<Record<keyof TrainConfig, string>> = {};
  for (const [k, r] of Object.entries(TRAIN_RANGES) as Array<[keyof typeof TRAIN_RANGES, Range & { label: string }]>) {
    const msg = checkRange(c[k], r);
    if (msg) out[k] = msg;
  }
  if (!['adam', 'sgd'].includes(c.optimizer)) out.optimizer = `Unknown optimizer '${c.optimizer}'`;
  return out;
}

/** "12,345" with thousands separators; "1.2M" past a million. */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  return n.toLocaleString('en-US');
}
