/** Export of a trained text classifier together with everything a deployment needs to tokenize. */
import type { Module } from '@recur/recurrent';
import { exportOnnx, type ExportOptions, type ExportResult } from './export.js';
import { findClassifierParts } from './classifier.js';
import { tokenizerMetadata, type TokenizerSettings } from './tokenizer.js';

export interface SentimentExportOptions extends Omit<TokenizerSettings, 'batchFirst'>, Pick<ExportOptions, 'opset' | 'docString'> {
  /** More metadata_props (e.g. the run id, test accuracy). */
  metadata?: Record<string, string>;
}

/**
 * Exports an Embedding → RNN/LSTM/GRU → Linear classifier (the seed's SentimentRNN) with the
 * vocabulary and tokenizer settings in the model's metadata, so `createPredictionServer` can turn
 * text into ids from the .onnx file alone.
 *
 * @example
 * const { bytes } = await exportSentimentModel(model.eval(), {
 *   tokenizer: 'basic_english', lowercase: true, vocab: vocab.tokens, padIndex: 1, unkIndex: 0, labels: ['positive'],
 * });
 */
export async function exportSentimentModel(model: Module, opts: SentimentExportOptions): Promise<ExportResult> {
  const parts = findClassifierParts(model);
  if (!parts) throw new Error(`exportSentimentModel: ${model.constructor.name} needs Embedding, RNN/LSTM/GRU and Linear children`);
  const V = parts.embedding[1].numEmbeddings;
  if (opts.vocab.length !== V) throw new Error(`exportSentimentModel: the vocabulary has ${opts.vocab.length} tokens, the embedding ${V} rows`);
  const { opset, docString, metadata, ...settings } = opts;
  const meta = { ...tokenizerMetadata({ ...settings, batchFirst: parts.rnn[1].batchFirst }), ...metadata };
  return exportOnnx(model, {
    opset, metadata: meta,
    docString: docString ?? `Text classifier exported by Recur: ids from ${settings.tokenizer} tokens (vocabulary in metadata 'recur.vocab'), lengths, → logits and probabilities.`,
  });
}
