/** Vocabulary: token ↔ index, built from token streams the way torchtext's legacy `Field.build_vocab` does. */

/** Options of {@link Vocab.build}. */
export interface VocabBuildOptions {
  /** Most non-special tokens to keep (specials are extra: 25,000 gives 25,002 with two specials). */
  maxSize?: number;
  /** Drop tokens seen fewer times (default 1). */
  minFreq?: number;
  /** Special tokens, first and in this order (default `['<unk>', '<pad>']`). */
  specials?: readonly string[];
  /** Token that unknown lookups map to (default `'<unk>'` when in specials). */
  unkToken?: string | null;
  /** Try `token.toLowerCase()` when a lookup misses (default false). */
  lowercaseFallback?: boolean;
}

/** JSON form written by {@link Vocab.toJSON}. */
export interface VocabJSON {
  format: 'recur-vocab';
  version: 1;
  tokens: string[];
  counts: number[];
  specials: string[];
  unkToken: string | null;
  lowercaseFallback: boolean;
}

/** Python-style string order (by code point), so astral characters sort as torchtext sorts them. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (0xD800–0xDFFF) stands for a code point above 0xFFFF: it outranks 0xE000–0xFFFF.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Token ↔ index mapping. Specials come first (in the order given); the rest is ordered by descending
 * frequency, ties broken by code-point order, cut at `maxSize` and `minFreq`.
 *
 * @example
 * const vocab = Vocab.build(texts.map(basicEnglish), { maxSize: 25_000 });
 * vocab.size;            // ≤ 25_002
 * vocab.lookup('movie'); // an index; unknown words give vocab.unkIndex
 */
export class Vocab {
  readonly tokens: readonly string[];
  /** Training counts aligned with `tokens` (0 for specials). */
  readonly counts: readonly number[];
  readonly specials: readonly string[];
  /** Index returned for unknown tokens, or -1 when there is no unknown token. */
  readonly unkIndex: number;
  readonly lowercaseFallback: boolean;
  private readonly index = new Map<string, number>();

  constructor(tokens: readonly string[], options: { counts?: readonly number[]; specials?: readonly string[]; unkToken?: string | null; lowercaseFallback?: boolean } = {}) {
    this.tokens = [...tokens];
    this.counts = options.counts ? [...options.counts] : tokens.map(() => 0);
    if (this.counts.length !== this.tokens.length) throw new Error(`Vocab: ${this.counts.length} counts for ${this.tokens.length} tokens`);
    this.specials = [...(options.specials ?? [])];
    this.tokens.forEach((t, i) => {
      if (this.index.has(t)) throw new Error(`Vocab: duplicate token ${JSON.stringify(t)} at index ${i}`);
      this.index.set(t, i);
    });
    const unk = options.unkToken === undefined ? (this.index.has('<unk>') ? '<unk>' : null) : options.unkToken;
    if (unk !== null && !this.index.has(unk)) throw new Error(`Vocab: unkToken ${JSON.stringify(unk)} is not in the vocabulary`);
    this.unkIndex = unk === null ? -1 : this.index.get(unk)!;
    this.lowercaseFallback = options.lowercaseFallback ?? false;
  }

  /** Builds a vocabulary from tokenised examples (any iterable of token iterables). */
  static build(tokenLists: Iterable<Iterable<string>>, options: VocabBuildOptions = {}): Vocab {
    const counter = new Map<string, number>();
    for (const list of tokenLists) for (const t of list) counter.set(t, (counter.get(t) ?? 0) + 1);
    return Vocab.fromCounts(counter, options);
  }

  /** Builds a vocabulary from token counts. */
  static fromCounts(counts: Map<string, number> | Record<string, number>, options: VocabBuildOptions = {}): Vocab {
    const { maxSize = Infinity, minFreq = 1, specials = ['<unk>', '<pad>'] } = options;
    if (!(maxSize >= 0)) throw new Error(`Vocab.build: maxSize must be ≥ 0, got ${maxSize}`);
    const entries = counts instanceof Map ? [...counts] : Object.entries(counts);
    const special = new Set(specials);
    if (special.size !== specials.length) throw new Error(`Vocab.build: duplicate specials ${JSON.stringify(specials)}`);
    const words = entries.filter(([t, c]) => !special.has(t) && c >= Math.max(minFreq, 1));
    words.sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
    const kept = words.slice(0, Math.min(words.length, maxSize));
    return new Vocab([...specials, ...kept.map((w) => w[0])], {
      counts: [...specials.map(() => 0), ...kept.map((w) => w[1])],
      specials,
      unkToken: options.unkToken === undefined ? (special.has('<unk>') ? '<unk>' : null) : options.unkToken,
      lowercaseFallback: options.lowercaseFallback ?? false,
    });
  }

  /** Number of entries, specials included. */
  get size(): number {
    return this.tokens.length;
  }

  /** Index of `<pad>`, or -1. */
  get padIndex(): number {
    return this.index.get('<pad>') ?? -1;
  }

  /** Whether the token is in the vocabulary (exactly). */
  has(token: string): boolean {
    return this.index.has(token);
  }

  /** Exact index or `undefined` (no fallback, no unk). */
  indexOf(token: string): number | undefined {
    return this.index.get(token);
  }

  /** Index of a token: exact, then lowercase when `lowercaseFallback`, then `defaultIndex` (default `unkIndex`). */
  lookup(token: string, defaultIndex: number = this.unkIndex): number {
    let i = this.index.get(token);
    if (i === undefined && this.lowercaseFallback) i = this.index.get(token.toLowerCase());
    if (i !== undefined) return i;
    if (defaultIndex < 0) throw new Error(`Vocab.lookup: ${JSON.stringify(token)} is not in the vocabulary and there is no unknown token`);
    return defaultIndex;
  }

  /** Indices of tokens as an `Int32Array`. */
  lookupIndices(tokens: readonly string[], defaultIndex: number = this.unkIndex): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.lookup(tokens[i]!, defaultIndex);
    return out;
  }

  /** Tokens of indices; an out-of-range index throws. */
  lookupTokens(indices: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let i = 0; i < indices.length; i++) {
      const t = this.tokens[indices[i]!];
      if (t === undefined) throw new Error(`Vocab.lookupTokens: index ${indices[i]} out of range [0, ${this.size})`);
      out.push(t);
    }
    return out;
  }

  toJSON(): VocabJSON {
    return {
      format: 'recur-vocab',
      version: 1,
      tokens: [...this.tokens],
      counts: [...this.counts],
      specials: [...this.specials],
      unkToken: this.unkIndex < 0 ? null : this.tokens[this.unkIndex]!,
      lowercaseFallback: this.lowercaseFallback,
    };
  }

  /**
   * Restores a vocabulary from {@link Vocab.toJSON} output (object or JSON string). Anything else
   * throws a {@link VocabFormatError} naming the field.
   *
   * @example
   * const v = Vocab.fromJSON(readFileSync('vocab.json', 'utf8'));
   */
  static fromJSON(json: VocabJSON | string): Vocab {
    let o: Partial<VocabJSON>;
    if (typeof json === 'string') {
      try {
        o = JSON.parse(json) as Partial<VocabJSON>;
      } catch (e) {
        throw new VocabFormatError(`not valid JSON (${(e as Error).message})`);
      }
    } else o = json;
    checkVocabJSON(o);
    const opts: { counts?: number[]; specials?: string[]; unkToken?: string | null; lowercaseFallback?: boolean } = {
      specials: o.specials ?? [],
      unkToken: o.unkToken ?? null,
      lowercaseFallback: o.lowercaseFallback ?? false,
    };
    if (o.counts) opts.counts = o.counts;
    try {
      return new Vocab(o.tokens!, opts);
    } catch (e) {
      throw new VocabFormatError((e as Error).message.replace(/^Vocab: /, ''));
    }
  }
}

/** A vocabulary document that is not a valid recur-vocab v1 (the message names the field). */
export class VocabFormatError extends Error {
  constructor(reason: string) {
    super(`Vocab.fromJSON: ${reason}`);
    this.name = 'VocabFormatError';
  }
}

function kind(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
}

function checkVocabJSON(o: unknown): asserts o is VocabJSON {
  const bad = (field: string, what: string, got: unknown): never => {
    throw new VocabFormatError(`field '${field}' is ${kind(got)}, expected ${what}`);
  };
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new VocabFormatError(`not a recur-vocab v1 document (got ${kind(o)})`);
  const r = o as Record<string, unknown>;
  if (r.format !== 'recur-vocab' || r.version !== 1) {
    throw new VocabFormatError(`not a recur-vocab v1 document (format=${String(r.format)}, version=${String(r.version)})`);
  }
  const strings = (field: string, xs: unknown) => {
    if (!Array.isArray(xs)) bad(field, 'an array of strings', xs);
    (xs as unknown[]).forEach((t, i) => typeof t !== 'string' && bad(`${field}[${i}]`, 'a string', t));
  };
  strings('tokens', r.tokens);
  if (r.counts !== undefined) {
    if (!Array.isArray(r.counts)) bad('counts', 'an array of numbers', r.counts);
    (r.counts as unknown[]).forEach((c, i) => !(typeof c === 'number' && Number.isFinite(c) && c >= 0) && bad(`counts[${i}]`, 'a count ≥ 0', c));
  }
  if (r.specials !== undefined) strings('specials', r.specials);
  if (r.unkToken !== undefined && r.unkToken !== null && typeof r.unkToken !== 'string') bad('unkToken', 'a string or null', r.unkToken);
  if (r.lowercaseFallback !== undefined && typeof r.lowercaseFallback !== 'boolean') bad('lowercaseFallback', 'a boolean', r.lowercaseFallback);
}
