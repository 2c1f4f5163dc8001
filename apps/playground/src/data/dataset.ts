/**
 * Turns labelled texts into what the training worker consumes: a vocabulary built on the training
 * split and every split encoded as one flat `Int32Array` of token ids with offsets (cheap to transfer
 * to the worker). Tokenisation always happens on the page, so the worker only ever sees ids.
 */
import { basicEnglish, charTokenizer, createRng, shuffleInPlace, Vocab, type VocabJSON } from '@recur/text';
import type { LabeledText } from './synthetic.js';

/** `basic_english`: torchtext's word tokenizer; `chars`: one token per non-space character. */
export type TokenizerName = 'basic_english' | 'chars';

/** One split, flattened: example `i` is `ids[offsets[i] .. offsets[i+1])` with label `labels[i]`. */
export interface EncodedSplit {
  ids: Int32Array;
  offsets: Int32Array;
  labels: Int32Array;
}

/** A dataset ready for training and inspection. */
export interface PreparedData {
  /** Short name shown in the page (e.g. "Built-in sentiment"). */
  name: string;
  tokenizer: TokenizerName;
  classes: string[];
  vocab: VocabJSON;
  train: EncodedSplit;
  valid: EncodedSplit;
  /** Longest sequence kept, in tokens (longer texts are cut). */
  maxLen: number;
  /** Index of `<pad>` in the vocabulary. */
  padIndex: number;
}

export interface PrepareOptions {
  name: string;
  tokenizer: TokenizerName;
  classes: string[];
  train: LabeledText[];
  /** A separate validation set; otherwise `validShare` of `train` is held out. */
  valid?: LabeledText[];
  validShare?: number;
  maxLen: number;
  maxVocab?: number;
  minFreq?: number;
  seed?: number;
}

/** Tokenizes one text with the named tokenizer. */
export function tokenize(name: TokenizerName, text: string): string[] {
  if (name === 'basic_english') return basicEnglish(text);
  if (name === 'chars') return charTokenizer(text).filter((c) => c.trim() !== '');
  throw new Error(`tokenize: unknown tokenizer '${String(name)}'`);
}

/** Tokens (cut at `maxLen`) and their ids; unknown words map to `<unk>`. */
export function encodeText(vocab: Vocab, tokenizer: TokenizerName, text: string, maxLen: number): { tokens: string[]; ids: Int32Array } {
  const tokens = tokenize(tokenizer, text).slice(0, maxLen);
  return { tokens, ids: vocab.lookupIndices(tokens) };
}

function encodeSplit(vocab: Vocab, tokenized: string[][], labels: number[]): EncodedSplit {
  const keep = tokenized.map((t, i) => i).filter((i) => tokenized[i]!.length > 0);
  const offsets = new Int32Array(keep.length + 1);
  keep.forEach((i, k) => (offsets[k + 1] = offsets[k]! + tokenized[i]!.length));
  const ids = new Int32Array(offsets[keep.length]!);
  keep.forEach((i, k) => ids.set(vocab.lookupIndices(tokenized[i]!), offsets[k]!));
  return { ids, offsets, labels: Int32Array.from(keep.map((i) => labels[i]!)) };
}

/**
 * Builds the vocabulary on the training texts and encodes every split.
 *
 * @example
 * const data = prepareData({ name: 'tiny', tokenizer: 'basic_english', classes: ['neg', 'pos'],
 *   train: [{ text: 'great', label: 1 }, { text: 'awful', label: 0 }], validShare: 0, maxLen: 50 });
 * data.vocab.tokens; // ['<unk>', '<pad>', 'awful', 'great']
 */
export function prepareData(o: PrepareOptions): PreparedData {
  let train = o.train;
  let valid = o.valid;
  if (!valid) {
    const shuffled = [...train];
    shuffleInPlace(shuffled, createRng(o.seed ?? 7));
    const nValid = Math.round(shuffled.length * (o.validShare ?? 0.1));
    valid = shuffled.slice(0, nValid);
    train = shuffled.slice(nValid);
  }
  if (train.length === 0) throw new Error(`${o.name}: no training examples`);
  const tokTrain = train.map((r) => tokenize(o.tokenizer, r.text).slice(0, o.maxLen));
  const tokValid = valid.map((r) => tokenize(o.tokenizer, r.text).slice(0, o.maxLen));
  const vocab = Vocab.build(tokTrain, { maxSize: o.maxVocab ?? 20_000, minFreq: o.minFreq ?? 1 });
  const encTrain = encodeSplit(vocab, tokTrain, train.map((r) => r.label));
  if (encTrain.labels.length === 0) throw new Error(`${o.name}: every training text is empty after tokenization`);
  return {
    name: o.name,
    tokenizer: o.tokenizer,
    classes: o.classes,
    vocab: vocab.toJSON(),
    train: encTrain,
    valid: encodeSplit(vocab, tokValid, valid.map((r) => r.label)),
    maxLen: o.maxLen,
    padIndex: vocab.padIndex,
  };
}

/** Number of examples in a split. */
export function splitSize(s: EncodedSplit): number {
  return s.labels.length;
}

/** Mean and largest length of a split, in tokens. */
export function splitStats(s: EncodedSplit): { count: number; meanLen: number; maxLen: number } {
  const n = s.labels.length;
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, s.offsets[i + 1]! - s.offsets[i]!);
  return { count: n, meanLen: n ? s.ids.length / n : 0, maxLen: max };
}
