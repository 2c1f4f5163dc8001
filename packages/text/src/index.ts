/**
 * `@recur/text`: browser-safe text pipeline (tokenizers, vocabulary, vector parsing, splits, bucketed
 * batches). Node-only readers (files, archives, IMDB, downloads) live in `@recur/text/node`.
 */
export { basicEnglish, wordTokenizer, charTokenizer, cleanReviewText } from './tokenize.js';
export type { WordTokenizerOptions, CharTokenizerOptions } from './tokenize.js';
export { Vocab, VocabFormatError, compareCodePoints } from './vocab.js';
export type { VocabBuildOptions, VocabJSON } from './vocab.js';
export { createRng, deriveSeed, permutation, shuffleInPlace } from './rng.js';
export type { Rng } from './rng.js';
export { createVectorParser, parseVectors } from './vectors/parser.js';
export type { VectorFormat, VectorParseOptions, VectorParser } from './vectors/parser.js';
export { VectorFormatError } from './vectors/table.js';
export type { Coverage, ParseStats, VectorResult, UnknownInit, VectorTableOptions } from './vectors/table.js';
export { splitTrainValid } from './split.js';
export { BucketIterator, encodeExamples } from './batch.js';
export type { Batch, BucketOptions, Encoded } from './batch.js';
export { toBatchTensors } from './tensors.js';
export type { BatchTensors } from './tensors.js';
export { syntheticReviews, builtinCorpus, BUILTIN_SIZES } from './datasets/synthetic.js';
export type { LabeledText, SyntheticOptions } from './datasets/synthetic.js';
