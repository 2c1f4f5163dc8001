/**
 * Streaming parser for text vector files: GloVe (`token v1 … vD`, no header) and word2vec/fastText text
 * (`count dim` header line first). Browser-safe: feed it `Uint8Array` chunks from any source.
 *
 * Parsing rules (see TEXT.md D.2): lines split on the ASCII space only; trailing spaces and `\r` are
 * ignored; the last `dim` fields are the vector and everything before them (spaces included) is the
 * token, so 840B tokens with spaces or U+00A0 survive. `dim` is the `dim` option, else the header's,
 * else the first line's field count − 1. Field counts are checked on every line; numbers are parsed
 * only for lines whose token the vocabulary wants.
 */
import { checkVectorDim, emptyStats, type ParseStats, VectorFormatError, type VectorTable } from './table.js';

/** Options of {@link TextVectorParser}. */
export interface TextParseOptions {
  /** 'glove' (no header), 'word2vec' (header required) or 'auto' (a first line of two integers is a header). Default 'auto'. */
  format?: 'glove' | 'word2vec' | 'auto';
  /** Expected dimension; lines that disagree are errors. */
  dim?: number;
  /** Skip and count malformed lines instead of throwing (default false). */
  lenient?: boolean;
  /** Name used in error messages (the file path). */
  source?: string;
}

const SPACE = 32;
const decoder = new TextDecoder('utf-8', { fatal: true });
const looseDecoder = new TextDecoder('utf-8');

/** Chunked line parser feeding a {@link VectorTable}. */
export class TextVectorParser {
  readonly stats: ParseStats = emptyStats();
  private carry: Uint8Array | null = null;
  private dim: number;
  private readonly source: string;

  constructor(private readonly table: VectorTable, private readonly options: TextParseOptions = {}) {
    this.dim = options.dim ?? 0;
    this.source = options.source ?? '<vectors>';
    if (this.dim) table.setDim(this.dim);
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    if (this.carry) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.carry = concat(this.carry, chunk);
        return;
      }
      const line = concat(this.carry, chunk.subarray(0, nl));
      this.carry = null;
      this.line(line, 0, line.length);
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) break;
      this.line(chunk, pos, nl);
      pos = nl + 1;
    }
    if (pos < chunk.length) this.carry = chunk.slice(pos);
  }

  /** Flushes the last line (a file need not end with a newline) and checks the header's count. */
  end(): ParseStats {
    if (this.carry) {
      const c = this.carry;
      this.carry = null;
      this.line(c, 0, c.length);
    }
    const s = this.stats;
    s.duplicates = this.table.duplicates;
    if (s.vectors === 0) throw new VectorFormatError(this.source, s.lines, 'no vectors found (empty or truncated file?)');
    const h = s.header;
    if (h && h.count !== s.vectors + s.skipped + s.invalidUtf8) {
      this.bad(s.lines, `header promises ${h.count} vectors but the file has ${s.vectors + s.skipped + s.invalidUtf8} (truncated?)`);
    }
    return s;
  }

  private bad(line: number, reason: string): void {
    if (!this.options.lenient) throw new VectorFormatError(this.source, line, reason);
    this.stats.skipped++;
    if (this.stats.skippedExamples.length < 100) this.stats.skippedExamples.push({ line, reason });
  }

  private line(buf: Uint8Array, start: number, end: number): void {
    const s = this.stats;
    const lineNo = ++s.lines;
    while (end > start && (buf[end - 1] === SPACE || buf[end - 1] === 13)) end--;
    if (end === start) return;
    if (buf[start] === SPACE) return this.bad(lineNo, 'line starts with a space (empty token field)');
    if (!this.dim && !this.header(buf, start, end, lineNo)) return;
    const d = this.dim;
    // Walk back over d fields; p ends on the space before the first value.
    let p = end;
    let found = 0;
    while (found < d) {
      const q = p;
      p--;
      while (p >= start && buf[p] !== SPACE) p--;
      if (p < start) break;
      if (p + 1 === q) return this.bad(lineNo, `empty field (two spaces in a row) at byte ${p - start + 1}`);
      found++;
    }
    if (found < d || p === start) {
      const fields = countFields(buf, start, end);
      return this.bad(lineNo, `expected a token and ${d} values, found ${fields} field${fields === 1 ? '' : 's'}`);
    }
    if (buf[p - 1] === SPACE) return this.bad(lineNo, `empty field (two spaces in a row) at byte ${p - start}`);
    let token: string;
    try {
      token = decodeToken(buf, start, p);
    } catch {
      s.invalidUtf8++;
      return;
    }
    s.vectors++;
    if (token.includes(' ')) s.spacedTokens++;
    const want = this.table.wanted(token);
    if (!want) return;
    const values = parseValues(buf, p + 1, end, d);
    if (typeof values === 'string') {
      s.vectors--;
      return this.bad(lineNo, `value ${JSON.stringify(values)} is not a number (token ${JSON.stringify(token)})`);
    }
    const k = values.findIndex((v) => !Number.isFinite(v));
    if (k >= 0) {
      s.vectors--;
      return this.bad(lineNo, `value ${k + 1} of token ${JSON.stringify(token)} is ${values[k]}; embeddings must be finite (fix or remove this line)`);
    }
    this.table.store(want, values);
  }

  /** Handles the first content line while the dimension is unknown. Returns true when it is a vector line. */
  private header(buf: Uint8Array, start: number, end: number, lineNo: number): boolean {
    const fmt = this.options.format ?? 'auto';
    const fields = latin1(buf, start, end).split(' ');
    const ints = fields.length === 2 && fields.every((f) => /^\d+$/.test(f));
    if (fmt === 'word2vec' && !ints) throw new VectorFormatError(this.source, lineNo, `word2vec text needs a "count dim" header, found ${fields.length} fields`);
    if (ints && fmt !== 'glove') {
      const [count, dim] = fields.map(Number) as [number, number];
      checkVectorDim(this.source, lineNo, dim);
      this.stats.header = { count, dim };
      this.dim = dim;
      this.table.setDim(dim);
      return false;
    }
    if (fields.length < 2) {
      this.bad(lineNo, 'a line with a single field cannot give the dimension');
      return false;
    }
    checkVectorDim(this.source, lineNo, fields.length - 1);
    this.dim = fields.length - 1;
    this.table.setDim(this.dim);
    return true;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function countFields(buf: Uint8Array, start: number, end: number): number {
  let n = 1;
  for (let i = start; i < end; i++) if (buf[i] === SPACE) n++;
  return n;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i += 4096) s += String.fromCharCode(...buf.subarray(i, Math.min(end, i + 4096)));
  return s;
}

/** UTF-8 token; ASCII fast path, fatal decoder otherwise (throws on invalid bytes). */
function decodeToken(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= 24) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      if (c >= 0x80) return decoder.decode(buf.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(buf.subarray(start, end));
}

/** Parses d space-separated numbers (nan/inf spelled out are read as such, for the caller to reject); returns the offending field when one is not a number. */
function parseValues(buf: Uint8Array, start: number, end: number, d: number): Float64Array | string {
  const fields = looseDecoder.decode(buf.subarray(start, end)).split(' ');
  const out = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    const f = fields[k]!;
    const v = Number(f);
    if (!Number.isFinite(v) && !/^[+-]?(inf|infinity|nan)$/i.test(f)) return f;
    out[k] = Number.isFinite(v) ? v : parseSpecial(f);
  }
  return out;
}

function parseSpecial(f: string): number {
  const l = f.toLowerCase();
  if (l.endsWith('nan')) return NaN;
  return l.startsWith('-') ? -Infinity : Infinity;
}
