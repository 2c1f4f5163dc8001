/** Data, vocabulary, pretrained vectors and the baseline for a training run. */
import type { SentimentRNN } from '@recur/recurrent';
import { basicEnglish, encodeExamples, Vocab, type Encoded } from '@recur/text';
import { loadVectors } from '@recur/text/node';
import { keep, tensor } from '@recur/tensor';
import type { TrainConfig } from '../config.js';
import { bagOfWordsBaseline, type BowResult } from '../data/bow.js';
import { loadDataSets, type DataSets } from '../data/load.js';
import { CliError, oneLine } from '../errors.js';
import { resolveVectors } from '../paths.js';

export const tokenize = basicEnglish;

export interface PreparedData {
  sets: DataSets;
  vocab: Vocab;
  train: Encoded[];
  valid: Encoded[];
  test: Encoded[];
  /** Token lists of train and test (kept for the baseline). */
  tokens: { train: string[][]; test: string[][] };
}

/**
 * Loads the data sets of `config`, tokenizes them (torchtext `basic_english`) and builds the
 * vocabulary from the training split (or reuses `vocab` when resuming).
 */
export async function prepareData(config: TrainConfig, vocab?: Vocab): Promise<PreparedData> {
  const sets = await loadDataSets({ data: config.data, test: config.test, validSplit: config.validSplit, seed: config.seed, limit: config.limit, testLimit: config.testLimit });
  const trainTokens = sets.train.map((x) => tokenize(x.text));
  const v = vocab ?? Vocab.build(trainTokens, { maxSize: config.maxVocab, minFreq: config.minFreq, specials: ['<unk>', '<pad>'] });
  const encodeTokens = (toks: string[][], xs: readonly { label: number }[]): Encoded[] => toks.map((t, i) => ({ ids: v.lookupIndices(t), label: xs[i]!.label }));
  const testTokens = sets.test.map((x) => tokenize(x.text));
  return {
    sets,
    vocab: v,
    train: encodeTokens(trainTokens, sets.train),
    valid: encodeExamples(sets.valid, tokenize, v),
    test: encodeTokens(testTokens, sets.test),
    tokens: { train: trainTokens, test: testTokens },
  };
}

/** Bag-of-words logistic regression on the same train split, scored on the test split. */
export function runBaseline(data: PreparedData, seed: number): BowResult | null {
  if (data.test.length === 0) return null;
  return bagOfWordsBaseline(data.tokens.train, data.sets.train.map((x) => x.label), data.tokens.test, data.sets.test.map((x) => x.label), { seed });
}

export interface VectorsReport {
  path: string;
  found: number;
  total: number;
  ratio: number;
}

/**
 * Copies pretrained vectors into the embedding (`<unk>`/`<pad>` rows zero, words missing from the
 * file N(0, 1) as the seed's `unk_init=normal_`). A file of another dimension is a one-line error.
 */
export async function loadPretrained(config: TrainConfig, vocab: Vocab, model: SentimentRNN): Promise<VectorsReport | null> {
  if (!config.glove) return null;
  const { path, member } = resolveVectors(config.glove);
  const E = config.model.embeddingDim;
  let res;
  try {
    res = await loadVectors(path, vocab, { unknownInit: 'normal', seed: config.seed, zeroSpecials: true, ...(member ? { member } : {}) });
  } catch (e) {
    const msg = oneLine(e);
    throw new CliError(msg.includes(path) ? `vectors: ${msg}` : `vectors ${path}${member ? `!${member}` : ''}: ${msg}`);
  }
  if (res.dim !== E) throw new CliError(`vectors ${path} have dimension ${res.dim}, but the model's embedding dimension is ${E} (set --embedding-dim ${res.dim} or use other vectors)`);
  const V = vocab.size;
  model.embedding.weight.assign(keep(tensor(res.matrix, [V, E], 'float32')));
  const found = res.coverage.exact + res.coverage.lowercase;
  return { path: member ? `${path}!${member}` : path, found, total: res.coverage.total, ratio: res.coverage.ratio };
}
