/**
 * Bucketed batches, as torchtext's legacy `BucketIterator` makes them: shuffle, sort by length within
 * chunks of `bucketFactor` batches, cut into batches, shuffle the batches of each chunk, and sort each
 * batch longest-first (ready for a packed LSTM with `enforce_sorted`). Seeded, per epoch.
 */
import { createRng, deriveSeed, shuffleInPlace } from './rng.js';
import type { Vocab } from './vocab.js';

/** A numericalised example. */
export interface Encoded {
  ids: ArrayLike<number>;
  label?: number;
}

/** A padded batch. `ids` is `[seqLen, batchSize]` (time-major) or `[batchSize, seqLen]` (`batchFirst`). */
export interface Batch {
  ids: Int32Array;
  /** Real length of each sequence (≥ 1), in batch order. */
  lengths: Int32Array;
  /** Labels as float (for BCE); NaN where an example has none. */
  labels: Float32Array;
  /** Position of each sequence in the examples given to the iterator. */
  indices: Int32Array;
  batchSize: number;
  seqLen: number;
  batchFirst: boolean;
}

/** Options of {@link BucketIterator}. */
export interface BucketOptions {
  batchSize: number;
  /** Index written into padding positions (usually `vocab.padIndex`). */
  padIndex: number;
  /** Index an empty sequence becomes (one token), usually `vocab.unkIndex`. Without it, an empty sequence throws. */
  unkIndex?: number;
  /** Training order: shuffle + buckets (default true). `false`: sort the whole set by length, fixed order (torchtext's eval iterators). */
  shuffle?: boolean;
  /** Sort each batch longest-first (default true). */
  sortWithinBatch?: boolean;
  /** Batches per sorting chunk (default 100, as torchtext). */
  bucketFactor?: number;
  /** Truncate sequences to this many tokens (counted in `stats.truncated`). */
  maxLength?: number;
  /** `[B, T]` instead of `[T, B]` (default false, PyTorch's LSTM default). */
  batchFirst?: boolean;
  /** Seed; epoch `e` uses `deriveSeed(seed, e)` (default 0). */
  seed?: number;
}

/**
 * Iterates padded, length-bucketed batches.
 *
 * @example
 * const it = new BucketIterator(encoded, { batchSize: 64, padIndex: vocab.padIndex, unkIndex: vocab.unkIndex, seed: 1 });
 * for (const batch of it.epoch(0)) { const t = toBatchTensors(batch); … }
 */
export class BucketIterator {
  /** Counts: sequences that were empty (→ one `unkIndex`) and sequences cut at `maxLength`. */
  readonly stats = { emptyReplaced: 0, truncated: 0 };
  private readonly lengths: Int32Array;
  private readonly opts: Required<Omit<BucketOptions, 'unkIndex' | 'maxLength'>> & Pick<BucketOptions, 'unkIndex' | 'maxLength'>;

  constructor(private readonly examples: readonly Encoded[], options: BucketOptions) {
    const { batchSize, padIndex } = options;
    if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`BucketIterator: batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(padIndex)) throw new Error(`BucketIterator: padIndex must be an integer, got ${padIndex}`);
    if (options.maxLength !== undefined && !(options.maxLength >= 1)) throw new Error(`BucketIterator: maxLength must be ≥ 1, got ${options.maxLength}`);
    this.opts = { shuffle: true, sortWithinBatch: true, bucketFactor: 100, batchFirst: false, seed: 0, ...options };
    this.lengths = new Int32Array(examples.length);
    examples.forEach((e, i) => {
      let n = e.ids.length;
      if (n === 0) {
        if (options.unkIndex === undefined || options.unkIndex < 0) throw new Error(`BucketIterator: example ${i} is empty; pass unkIndex to turn empty sequences into one unknown token`);
        this.stats.emptyReplaced++;
        n = 1;
      }
      if (options.maxLength !== undefined && n > options.maxLength) {
        this.stats.truncated++;
        n = options.maxLength;
      }
      this.lengths[i] = n;
    });
  }

  /** Number of batches per epoch. */
  get length(): number {
    return Math.ceil(this.examples.length / this.opts.batchSize);
  }

  /** The batches of epoch `epoch` (same epoch, same seed → same batches). */
  *epoch(epoch = 0): Generator<Batch> {
    for (const idx of this.order(epoch)) yield this.make(idx);
  }

  [Symbol.iterator](): Generator<Batch> {
    return this.epoch(0);
  }

  /** Example indices of each batch, in yield order. */
  order(epoch = 0): Int32Array[] {
    const { batchSize, shuffle, bucketFactor, sortWithinBatch } = this.opts;
    const len = this.lengths;
    const n = this.examples.length;
    const all = Array.from({ length: n }, (_, i) => i);
    const byLen = (a: number, b: number): number => len[a]! - len[b]!;
    const batches: number[][] = [];
    if (!shuffle) {
      all.sort(byLen);
      for (let i = 0; i < n; i += batchSize) batches.push(all.slice(i, i + batchSize));
    } else {
      const rng = createRng(deriveSeed(this.opts.seed, epoch));
      shuffleInPlace(all, rng);
      const chunk = batchSize * bucketFactor;
      for (let c = 0; c < n; c += chunk) {
        const part = all.slice(c, c + chunk).sort(byLen);
        const local: number[][] = [];
        for (let i = 0; i < part.length; i += batchSize) local.push(part.slice(i, i + batchSize));
        batches.push(...(shuffleInPlace(local, rng) as number[][]));
      }
    }
    return batches.map((b) => Int32Array.from(sortWithinBatch ? b.sort((x, y) => len[y]! - len[x]!) : b));
  }

  private make(indices: Int32Array): Batch {
    const B = indices.length;
    const lengths = new Int32Array(B);
    let T = 0;
    indices.forEach((ex, b) => {
      lengths[b] = this.lengths[ex]!;
      T = Math.max(T, lengths[b]!);
    });
    const { batchFirst, padIndex } = this.opts;
    const ids = new Int32Array(T * B).fill(padIndex);
    const labels = new Float32Array(B);
    indices.forEach((ex, b) => {
      const e = this.examples[ex]!;
      labels[b] = e.label ?? NaN;
      if (e.ids.length === 0) {
        ids[batchFirst ? b * T : b] = this.opts.unkIndex!;
        return;
      }
      for (let t = 0; t < lengths[b]!; t++) ids[batchFirst ? b * T + t : t * B + b] = e.ids[t]!;
    });
    return { ids, lengths, labels, indices, batchSize: B, seqLen: T, batchFirst };
  }
}

/**
 * Tokenises and numericalises labelled texts.
 *
 * @example
 * const encoded = encodeExamples(train, basicEnglish, vocab); // [{ ids: Int32Array, label }]
 */
export function encodeExamples(items: readonly { text: string; label?: number }[], tokenize: (text: string) => string[], vocab: Vocab): Encoded[] {
  return items.map((x) => {
    const e: Encoded = { ids: vocab.lookupIndices(tokenize(x.text)) };
    if (x.label !== undefined) e.label = x.label;
    return e;
  });
}
