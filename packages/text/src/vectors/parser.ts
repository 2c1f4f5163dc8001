/** One entry point over the vector formats, for any byte source (Node streams, `fetch` bodies, buffers). */
import type { Vocab } from '../vocab.js';
import { TextVectorParser } from './text-format.js';
import { type VectorResult, VectorTable, type VectorTableOptions } from './table.js';
import { Word2VecBinaryParser } from './w2v-binary.js';

/** Vector file formats. 'auto': text, with a `count dim` first line read as a word2vec header. */
export type VectorFormat = 'glove' | 'word2vec' | 'word2vec-binary' | 'auto';

/** Options of {@link createVectorParser} and `loadVectors`. */
export interface VectorParseOptions extends VectorTableOptions {
  format?: VectorFormat;
  /** Expected dimension (text formats); lines that disagree are errors. */
  dim?: number;
  /** Skip and count malformed lines instead of throwing (text formats; default false). */
  lenient?: boolean;
  /** Name for error messages. */
  source?: string;
}

/** A push parser: feed chunks, then `end()` for the vocab-aligned matrix. */
export interface VectorParser {
  push(chunk: Uint8Array): void;
  end(): VectorResult;
}

/**
 * Creates a streaming parser that keeps only the vocabulary's words.
 *
 * @example
 * const p = createVectorParser(vocab, { format: 'glove' });
 * for await (const chunk of response.body) p.push(chunk);
 * const { matrix, dim, coverage } = p.end();
 */
export function createVectorParser(vocab: Vocab, options: VectorParseOptions = {}): VectorParser {
  const table = new VectorTable(vocab, options);
  const { format = 'auto' } = options;
  const src = options.source === undefined ? {} : { source: options.source };
  const inner =
    format === 'word2vec-binary'
      ? new Word2VecBinaryParser(table, src)
      : new TextVectorParser(table, { ...src, format, ...(options.dim ? { dim: options.dim } : {}), lenient: options.lenient ?? false });
  return {
    push: (chunk) => inner.push(chunk),
    end: () => {
      const stats = inner.end();
      return { ...table.finish(), stats };
    },
  };
}

/** Parses a whole in-memory file (browser convenience). */
export function parseVectors(bytes: Uint8Array | string, vocab: Vocab, options: VectorParseOptions = {}): VectorResult {
  const p = createVectorParser(vocab, options);
  p.push(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
  return p.end();
}
