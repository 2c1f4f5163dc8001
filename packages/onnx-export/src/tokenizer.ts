/**
 * Text → ids for deployments, from settings stored in the ONNX file's metadata_props, so a server
 * needs nothing from Recur's training run but the .onnx file. The `basic_english` tokenizer is
 * torchtext's (implemented in @recur/text).
 */
import { OnnxFormatError } from './proto/format-error.js';
import { basicEnglish } from '@recur/text';
import type { ModelProto } from './proto/codec.js';

/** Tokenizers a deployment can rebuild from metadata. */
export type TokenizerName = 'basic_english';

export interface TokenizerSettings {
  tokenizer: TokenizerName;
  /** basic_english always lowercases; recorded so readers need not know that. */
  lowercase: boolean;
  /** Tokens kept per text (longer texts are truncated); undefined = no limit. */
  maxLength?: number;
  /** Index → token. */
  vocab: string[];
  padIndex: number;
  unkIndex: number;
  /** Class names for the outputs, e.g. ['positive'] for one sigmoid output or ['neg', 'pos']. */
  labels?: string[];
  /** Whether the model's `text` input is [batch, seq] (default false: [seq, batch]). */
  batchFirst?: boolean;
}

const KEY = {
  tokenizer: 'recur.tokenizer', lowercase: 'recur.lowercase', maxLength: 'recur.max_length', vocab: 'recur.vocab',
  padIndex: 'recur.pad_index', unkIndex: 'recur.unk_index', labels: 'recur.labels', batchFirst: 'recur.batch_first',
} as const;

/**
 * Settings → metadata_props entries (the vocabulary as a JSON array of tokens).
 *
 * @example
 * exportOnnx(model, { metadata: tokenizerMetadata({ tokenizer: 'basic_english', lowercase: true, vocab: vocab.tokens, padIndex: 1, unkIndex: 0 }) });
 */
export function tokenizerMetadata(s: TokenizerSettings): Record<string, string> {
  validate(s, 'tokenizerMetadata');
  const m: Record<string, string> = {
    [KEY.tokenizer]: s.tokenizer, [KEY.lowercase]: String(s.lowercase), [KEY.vocab]: JSON.stringify(s.vocab),
    [KEY.padIndex]: String(s.padIndex), [KEY.unkIndex]: String(s.unkIndex), [KEY.batchFirst]: String(s.batchFirst ?? false),
  };
  if (s.maxLength !== undefined) m[KEY.maxLength] = String(s.maxLength);
  if (s.labels) m[KEY.labels] = JSON.stringify(s.labels);
  return m;
}

/** Reads the settings back from a model (throws, naming the key, when they are missing or broken). */
export function readTokenizerSettings(model: ModelProto | Record<string, string>): TokenizerSettings {
  const props: Record<string, string> = 'graph' in model && Array.isArray((model as ModelProto).metadataProps ?? [])
    ? Object.fromEntries(((model as ModelProto).metadataProps ?? []).map((p) => [p.key, p.value]))
    : (model as Record<string, string>);
  const get = (k: string) => {
    const v = props[k];
    if (v === undefined) throw new OnnxFormatError(`readTokenizerSettings: the model has no '${k}' metadata (export it with tokenizerMetadata(...))`);
    return v;
  };
  const json = (k: string) => {
    try {
      return JSON.parse(get(k)) as unknown;
    } catch {
      throw new OnnxFormatError(`readTokenizerSettings: '${k}' is not valid JSON`);
    }
  };
  const s: TokenizerSettings = {
    tokenizer: get(KEY.tokenizer) as TokenizerName, lowercase: get(KEY.lowercase) === 'true', vocab: json(KEY.vocab) as string[],
    padIndex: Number(get(KEY.padIndex)), unkIndex: Number(get(KEY.unkIndex)), batchFirst: props[KEY.batchFirst] === 'true',
  };
  if (props[KEY.maxLength] !== undefined) s.maxLength = Number(props[KEY.maxLength]);
  if (props[KEY.labels] !== undefined) s.labels = json(KEY.labels) as string[];
  validate(s, 'readTokenizerSettings', OnnxFormatError);
  return s;
}

/** Checks settings; `E` is the error type (a file's broken metadata is an OnnxFormatError). */
function validate(s: TokenizerSettings, op: string, E: new (message: string) => Error = Error): void {
  if (s.tokenizer !== 'basic_english') throw new E(`${op}: unknown tokenizer '${String(s.tokenizer)}' (supported: basic_english)`);
  if (!Array.isArray(s.vocab) || !s.vocab.every((t) => typeof t === 'string') || s.vocab.length === 0) throw new E(`${op}: vocab must be a non-empty array of strings`);
  for (const k of ['padIndex', 'unkIndex'] as const) {
    if (!Number.isInteger(s[k]) || s[k] < 0 || s[k] >= s.vocab.length) throw new E(`${op}: ${k} ${s[k]} is outside the vocabulary [0, ${s.vocab.length})`);
  }
  if (s.maxLength !== undefined && !(Number.isInteger(s.maxLength) && s.maxLength > 0)) throw new E(`${op}: maxLength must be a positive integer, got ${s.maxLength}`);
}

export interface EncodedBatch {
  /** int32 ids, [seq, batch] row-major (or [batch, seq] when batchFirst), padded with padIndex. */
  ids: Int32Array;
  lengths: Int32Array;
  /** Longest length = padded seq dimension. */
  seq: number;
  dims: [number, number];
}

/** A tokenizer that maps text → ids with the stored vocabulary. */
export class TextIdEncoder {
  private readonly index = new Map<string, number>();
  constructor(readonly settings: TokenizerSettings) {
    settings.vocab.forEach((t, i) => {
      if (!this.index.has(t)) this.index.set(t, i);
    });
  }

  /** Token ids of one text (truncated to maxLength; unknown words → unkIndex). */
  ids(text: string): number[] {
    let toks = basicEnglish(text);
    if (this.settings.maxLength !== undefined) toks = toks.slice(0, this.settings.maxLength);
    return toks.map((t) => this.index.get(t) ?? this.settings.unkIndex);
  }

  /**
   * Pads a batch. Throws when a text has no tokens (ONNX sequence_lens must be ≥ 1).
   *
   * @example
   * const { ids, lengths, dims } = encoder.encode(['Great film!', 'Dull.']);
   */
  encode(texts: readonly string[]): EncodedBatch {
    const rows = texts.map((t, i) => {
      const r = this.ids(t);
      if (r.length === 0) throw new Error(`text ${i} has no tokens after ${this.settings.tokenizer} tokenization`);
      return r;
    });
    const B = rows.length, T = Math.max(...rows.map((r) => r.length));
    const bf = this.settings.batchFirst ?? false;
    const ids = new Int32Array(T * B).fill(this.settings.padIndex);
    rows.forEach((r, b) => r.forEach((id, t) => {
      ids[bf ? b * T + t : t * B + b] = id;
    }));
    return { ids, lengths: Int32Array.from(rows.map((r) => r.length)), seq: T, dims: bf ? [B, T] : [T, B] };
  }
}
