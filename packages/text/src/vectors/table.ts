/** The vocab-aligned matrix that vector parsers fill, and the coverage report. */
import { createRng } from '../rng.js';
import type { Vocab } from '../vocab.js';

/** How rows of vocabulary words absent from the vector file are initialised. */
export type UnknownInit = 'zeros' | 'normal';

/** Options shared by every vector format. */
export interface VectorTableOptions {
  /** When a vocabulary word misses, use the file's lowercase word (default true). */
  lowercaseFallback?: boolean;
  /** Rows of missing words: zeros (torchtext default) or seeded N(0, 1) (the seed's `unk_init=normal_`). Default 'zeros'. */
  unknownInit?: UnknownInit;
  /** Seed for `unknownInit: 'normal'` (default 0). */
  seed?: number;
  /** Zero the rows of the vocabulary's specials (`<unk>`, `<pad>`) whatever `unknownInit` is (default true). */
  zeroSpecials?: boolean;
}

/** Coverage of the vocabulary (specials excluded from every figure). */
export interface Coverage {
  /** Non-special vocabulary entries. */
  total: number;
  /** Found under the same spelling. */
  exact: number;
  /** Found only through the lowercase fallback. */
  lowercase: number;
  /** Not found; rows follow `unknownInit`. */
  missing: number;
  /** (exact + lowercase) / total. */
  ratio: number;
  /** The missing tokens, in vocabulary order. */
  missingTokens: string[];
}

/** What a parser saw in the file. */
export interface ParseStats {
  /** Physical lines (text) or entries (binary) read. */
  lines: number;
  /** Entries that parsed as `token + dim values`. */
  vectors: number;
  /** Header line found (word2vec/fastText text or binary). */
  header: { count: number; dim: number } | null;
  /** Malformed entries skipped under `lenient` (all other malformed entries throw). */
  skipped: number;
  /** First 100 skipped entries with reasons. */
  skippedExamples: { line: number; reason: string }[];
  /** Entries whose token is not valid UTF-8, skipped (torchtext does the same) and counted. */
  invalidUtf8: number;
  /** Vocabulary words that appear again later in the file; the first occurrence wins. */
  duplicates: number;
  /** Tokens that contained an ASCII space (840B style), kept whole. */
  spacedTokens: number;
}

/** Result of loading vectors for a vocabulary. */
export interface VectorResult {
  /** Row-major `[vocab.size, dim]` matrix aligned to the vocabulary. */
  matrix: Float32Array;
  dim: number;
  coverage: Coverage;
  stats: ParseStats;
}

const EXACT = 1;
const LOWER = 2;

/** Collects the rows a parser finds for a vocabulary. One per load. */
export class VectorTable {
  dim = 0;
  matrix: Float32Array = new Float32Array(0);
  private readonly state: Uint8Array;
  private readonly lower = new Map<string, number[]>();
  private readonly seen = new Set<string>();
  /** Wanted tokens met a second time (the first occurrence is kept). */
  duplicates = 0;

  constructor(readonly vocab: Vocab, readonly options: VectorTableOptions = {}) {
    this.state = new Uint8Array(vocab.size);
    if (options.lowercaseFallback ?? true) {
      vocab.tokens.forEach((t, i) => {
        const l = t.toLowerCase();
        if (l === t) return;
        const list = this.lower.get(l);
        if (list) list.push(i);
        else this.lower.set(l, [i]);
      });
    }
  }

  setDim(dim: number): void {
    if (!(Number.isInteger(dim) && dim > 0)) throw new Error(`vectors: dimension must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.matrix = new Float32Array(this.vocab.size * dim);
  }

  /**
   * Rows that want the vector of `token`: returns an exact index, or lowercase-fallback indices, or null.
   * Marks duplicates (a token seen twice returns null the second time; see `duplicates`).
   */
  wanted(token: string): { exact: number; lower: number[] | null } | null {
    const exact = this.vocab.indexOf(token);
    const lower = this.lower.get(token) ?? null;
    if (exact === undefined && lower === null) return null;
    if (this.seen.has(token)) {
      this.duplicates++;
      return null;
    }
    this.seen.add(token);
    const open = lower ? lower.filter((i) => this.state[i] === 0) : null;
    return { exact: exact ?? -1, lower: open && open.length > 0 ? open : null };
  }

  /** Stores `values` (length dim) for the rows `wanted` returned. */
  store(want: { exact: number; lower: number[] | null }, values: ArrayLike<number>): void {
    const d = this.dim;
    if (want.exact >= 0) {
      this.matrix.set(values, want.exact * d);
      this.state[want.exact] = EXACT;
    }
    for (const i of want.lower ?? []) {
      if (this.state[i] !== 0) continue;
      this.matrix.set(values, i * d);
      this.state[i] = LOWER;
    }
  }

  /** Fills unknown rows, zeros specials and reports coverage. */
  finish(): { matrix: Float32Array; dim: number; coverage: Coverage } {
    const { unknownInit = 'zeros', seed = 0, zeroSpecials = true } = this.options;
    const specials = new Set(this.vocab.specials);
    const rng = createRng(seed);
    const d = this.dim;
    let exact = 0;
    let lowercase = 0;
    const missingTokens: string[] = [];
    this.vocab.tokens.forEach((t, i) => {
      const isSpecial = specials.has(t);
      if (!isSpecial) {
        if (this.state[i] === EXACT) exact++;
        else if (this.state[i] === LOWER) lowercase++;
        else missingTokens.push(t);
      }
      if (isSpecial && zeroSpecials) this.matrix.fill(0, i * d, (i + 1) * d);
      else if (this.state[i] === 0 && unknownInit === 'normal') {
        for (let k = 0; k < d; k++) this.matrix[i * d + k] = rng.normal();
      }
    });
    const total = this.vocab.size - this.vocab.tokens.filter((t) => specials.has(t)).length;
    return {
      matrix: this.matrix,
      dim: d,
      coverage: { total, exact, lowercase, missing: missingTokens.length, ratio: total ? (exact + lowercase) / total : 0, missingTokens },
    };
  }
}

/** Error for a malformed vector file; the message names the source and line. */
/** Largest vector dimension a file may declare (published embeddings use ≤ 4,096). */
export const MAX_VECTOR_DIM = 65_536;

/** Throws a {@link VectorFormatError} at `line` unless `dim` is a plausible vector dimension. */
export function checkVectorDim(source: string, line: number, dim: number): void {
  if (!(Number.isInteger(dim) && dim >= 1 && dim <= MAX_VECTOR_DIM)) {
    throw new VectorFormatError(source, line, `vector dimension ${dim} is outside [1, ${MAX_VECTOR_DIM}] (not a vectors file, or a corrupt header?)`);
  }
}

export class VectorFormatError extends Error {
  constructor(readonly source: string, readonly line: number, reason: string) {
    super(`${source}:${line}: ${reason}`);
    this.name = 'VectorFormatError';
  }
}

export function emptyStats(): ParseStats {
  return { lines: 0, vectors: 0, header: null, skipped: 0, skippedExamples: [], invalidUtf8: 0, duplicates: 0, spacedTokens: 0 };
}
