/** `loadVectors`: stream a GloVe / word2vec file (plain, `.gz` or a `.zip` member) into a vocab-aligned matrix. */
import { createVectorParser, type VectorParseOptions } from '../vectors/parser.js';
import type { VectorResult } from '../vectors/table.js';
import type { Vocab } from '../vocab.js';
import { openBytes } from './bytes.js';

/** Options of {@link loadVectors}. */
export interface LoadVectorsOptions extends VectorParseOptions {
  /** The member to read when `path` is a zip (e.g. `'glove.6B.100d.txt'` inside `glove.6B.zip`). */
  member?: string;
}

/**
 * Loads word vectors for a vocabulary without holding the file in memory: only the vocabulary's words
 * are kept while parsing. `format: 'auto'` (default) reads `.bin` files as word2vec binary and other files
 * as text (a `count dim` first line is taken as a word2vec header). Gzip and zip are detected by content.
 *
 * @example
 * const { matrix, dim, coverage } = await loadVectors('glove.6B.zip', vocab, { member: 'glove.6B.100d.txt', unknownInit: 'normal', seed: 1 });
 * // matrix: Float32Array [vocab.size * dim]; coverage.exact + coverage.lowercase words found
 */
export async function loadVectors(path: string, vocab: Vocab, options: LoadVectorsOptions = {}): Promise<VectorResult> {
  const { chunks, name } = await openBytes(path, options.member === undefined ? {} : { member: options.member });
  let format = options.format ?? 'auto';
  if (format === 'auto' && /\.bin(\.gz)?$/i.test(name)) format = 'word2vec-binary';
  const parser = createVectorParser(vocab, { ...options, format, source: options.source ?? name });
  for await (const chunk of chunks) parser.push(chunk);
  return parser.end();
}
