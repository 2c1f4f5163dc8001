/**
 * Model metadata travelling with the weights. A safetensors file written by the playground carries
 * `recur.model` (config, tokenizer, classes) and `recur.vocab` in its `__metadata__`; a file from
 * `recur train` may carry only tensors, so the architecture is inferred from their names and shapes
 * (PyTorch state_dict keys of the SentimentRNN: `embedding.weight`, `rnn.weight_ih_l0`, `fc.weight`).
 */
import type { VocabJSON } from '@recur/text';
import type { CellType, ModelConfig } from './model-config.js';
import type { ModelMeta } from './protocol.js';

export interface SafetensorsHeader {
  tensors: Record<string, { dtype: string; shape: number[] }>;
  metadata: Record<string, string>;
}

/** Reads the JSON header of a safetensors file (no tensor data is touched). */
export function readSafetensorsHeader(bytes: Uint8Array, fileName = 'file'): SafetensorsHeader {
  if (bytes.length < 8) throw new Error(`${fileName}: ${bytes.length} bytes is too short for a safetensors file`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (!(n > 1) || 8 + n > bytes.length) throw new Error(`${fileName}: not a safetensors file (header length ${n} does not fit in ${bytes.length} bytes)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch {
    throw new Error(`${fileName}: not a safetensors file (its header is not JSON)`);
  }
  const tensors: SafetensorsHeader['tensors'] = {};
  for (const [k, v] of Object.entries(header)) {
    if (k === '__metadata__') continue;
    const t = v as { dtype?: string; shape?: number[] };
    if (typeof t?.dtype !== 'string' || !Array.isArray(t.shape)) throw new Error(`${fileName}: tensor '${k}' has no dtype/shape`);
    tensors[k] = { dtype: t.dtype, shape: t.shape };
  }
  return { tensors, metadata: (header.__metadata__ ?? {}) as Record<string, string> };
}

const shapeOf = (h: SafetensorsHeader, key: string, fileName: string): number[] => {
  const t = h.tensors[key];
  if (!t) throw new Error(`${fileName}: no tensor '${key}' — expected a SentimentRNN state dict (embedding.weight, rnn.weight_ih_l0, …, fc.weight)`);
  return t.shape;
};

/** The architecture of a SentimentRNN state dict, from tensor names and shapes alone. */
export function inferModelConfig(h: SafetensorsHeader, fileName = 'file', padIndex = 1): ModelConfig {
  const [V, E] = shapeOf(h, 'embedding.weight', fileName) as [number, number];
  const [G, I] = shapeOf(h, 'rnn.weight_ih_l0', fileName) as [number, number];
  const [, H] = shapeOf(h, 'rnn.weight_hh_l0', fileName) as [number, number];
  const [O, F] = shapeOf(h, 'fc.weight', fileName) as [number, number];
  const gates = G / H;
  const cell: CellType | undefined = gates === 4 ? 'lstm' : gates === 3 ? 'gru' : gates === 1 ? 'rnn' : undefined;
  if (!cell) throw new Error(`${fileName}: rnn.weight_ih_l0 has ${G} rows for hidden size ${H} — not an LSTM (4H), GRU (3H) or RNN (H)`);
  if (I !== E) throw new Error(`${fileName}: rnn input size ${I} ≠ embedding size ${E}`);
  let L = 0;
  while (h.tensors[`rnn.weight_ih_l${L}`]) L++;
  const bidirectional = 'rnn.weight_ih_l0_reverse' in h.tensors;
  if (F !== H * (bidirectional ? 2 : 1)) throw new Error(`${fileName}: fc.weight reads ${F} features, expected ${H * (bidirectional ? 2 : 1)}`);
  return {
    cell, vocabSize: V, embeddingDim: E, hiddenSize: H, numLayers: L, bidirectional,
    dropout: 0, numClasses: O === 1 ? 2 : O, padIndex,
  };
}

/** Vocabulary tokens from a dropped vocab file: a recur-vocab JSON document or a plain JSON array. */
export function parseVocabFile(text: string, fileName = 'vocab.json'): string[] {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw new Error(`${fileName}: not JSON`);
  }
  if (Array.isArray(o) && o.every((t) => typeof t === 'string')) return o as string[];
  const v = o as Partial<VocabJSON> & { vocab?: unknown; itos?: unknown };
  for (const cand of [v.tokens, v.vocab, v.itos]) if (Array.isArray(cand) && cand.every((t) => typeof t === 'string')) return cand as string[];
  throw new Error(`${fileName}: no vocabulary found (expected a recur-vocab document with "tokens", or an array of strings)`);
}

/** Metadata entries the playground writes into its safetensors files. */
export function metaToSafetensors(meta: ModelMeta): Record<string, string> {
  const { vocab, ...rest } = meta;
  return { 'recur.model': JSON.stringify(rest), 'recur.vocab': JSON.stringify(vocab), format: 'pt' };
}

/**
 * Everything needed to rebuild a model from an uploaded safetensors file (+ optional vocab file).
 * Throws a message for the page when something is missing or inconsistent.
 */
export function metaFromSafetensors(h: SafetensorsHeader, fileName: string, vocabFile?: string[]): ModelMeta {
  const inferred = inferModelConfig(h, fileName);
  let saved: Partial<Omit<ModelMeta, 'vocab'>> = {};
  if (h.metadata['recur.model']) {
    try {
      saved = JSON.parse(h.metadata['recur.model']) as Omit<ModelMeta, 'vocab'>;
    } catch {
      throw new Error(`${fileName}: metadata 'recur.model' is not JSON`);
    }
  }
  let vocab = vocabFile;
  if (!vocab && h.metadata['recur.vocab']) vocab = parseVocabFile(h.metadata['recur.vocab'], `${fileName} metadata 'recur.vocab'`);
  if (!vocab) throw new Error(`${fileName} has no vocabulary in its metadata: drop its vocab.json (from the same run folder) together with it`);
  if (vocab.length !== inferred.vocabSize) {
    throw new Error(`${fileName}: the vocabulary has ${vocab.length} tokens but embedding.weight has ${inferred.vocabSize} rows — is it the vocab of another run?`);
  }
  const padIndex = vocab.indexOf('<pad>');
  const model: ModelConfig = { ...inferred, dropout: saved.model?.dropout ?? 0, padIndex: padIndex >= 0 ? padIndex : inferred.padIndex };
  const classes = saved.classes ?? (model.numClasses === 2 ? ['negative', 'positive'] : Array.from({ length: model.numClasses }, (_, i) => `class ${i}`));
  if (classes.length !== model.numClasses) throw new Error(`${fileName}: ${classes.length} class names for ${model.numClasses} outputs`);
  return {
    model,
    tokenizer: saved.tokenizer ?? 'basic_english',
    classes,
    maxLen: saved.maxLen ?? 200,
    vocab,
    dataName: saved.dataName ?? fileName,
  };
}
