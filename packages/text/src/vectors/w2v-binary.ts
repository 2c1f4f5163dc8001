/**
 * Streaming parser for the word2vec binary format (e.g. GoogleNews-vectors-negative300.bin):
 * an ASCII header line `count dim\n`, then per entry the token bytes up to a space (0x20), then `dim`
 * little-endian float32 values, optionally followed by `\n`. Leading `\n` before a token is skipped.
 * Browser-safe: feed it `Uint8Array` chunks.
 */
import { checkVectorDim, emptyStats, type ParseStats, VectorFormatError, type VectorTable } from './table.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
const MAX_TOKEN_BYTES = 4096;

/** Chunked word2vec binary parser feeding a {@link VectorTable}. */
export class Word2VecBinaryParser {
  readonly stats: ParseStats = emptyStats();
  private rest: Uint8Array = new Uint8Array(0);
  private dim = 0;
  private count = -1;
  private readonly source: string;

  constructor(private readonly table: VectorTable, options: { source?: string } = {}) {
    this.source = options.source ?? '<vectors>';
  }

  push(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.rest.length > 0) {
      buf = new Uint8Array(this.rest.length + chunk.length);
      buf.set(this.rest, 0);
      buf.set(chunk, this.rest.length);
    }
    let pos = 0;
    if (this.count < 0) {
      const nl = buf.indexOf(10);
      if (nl < 0) {
        if (buf.length > 256) throw new VectorFormatError(this.source, 1, 'word2vec binary header line ("count dim") not found in the first 256 bytes');
        this.rest = buf.slice();
        return;
      }
      const head = String.fromCharCode(...buf.subarray(0, nl)).trim();
      const m = /^(\d+) (\d+)$/.exec(head);
      if (!m) throw new VectorFormatError(this.source, 1, `word2vec binary header must be "count dim", found ${JSON.stringify(head.slice(0, 40))}`);
      checkVectorDim(this.source, 1, Number(m[2]));
      this.count = Number(m[1]);
      this.dim = Number(m[2]);
      this.table.setDim(this.dim);
      this.stats.header = { count: this.count, dim: this.dim };
      pos = nl + 1;
    }
    const rowBytes = 4 * this.dim;
    const values = new Float32Array(this.dim);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (this.stats.lines < this.count) {
      while (pos < buf.length && (buf[pos] === 10 || buf[pos] === 13)) pos++;
      const sp = buf.indexOf(32, pos);
      if (sp < 0 || sp + 1 + rowBytes > buf.length) {
        if (sp < 0 && buf.length - pos > MAX_TOKEN_BYTES) {
          throw new VectorFormatError(this.source, this.stats.lines + 1, `no space after a token within ${MAX_TOKEN_BYTES} bytes (not word2vec binary, or wrong dim?)`);
        }
        break;
      }
      const entry = ++this.stats.lines;
      let token: string;
      try {
        token = decoder.decode(buf.subarray(pos, sp));
      } catch {
        this.stats.invalidUtf8++;
        pos = sp + 1 + rowBytes;
        continue;
      }
      if (token.length === 0) throw new VectorFormatError(this.source, entry, 'empty token');
      this.stats.vectors++;
      const want = this.table.wanted(token);
      if (want) {
        for (let k = 0; k < this.dim; k++) {
          const v = view.getFloat32(sp + 1 + 4 * k, true);
          if (!Number.isFinite(v)) throw new VectorFormatError(this.source, entry, `value ${k + 1} of token ${JSON.stringify(token)} is ${v}; embeddings must be finite (fix or remove this vector)`);
          values[k] = v;
        }
        this.table.store(want, values);
      }
      pos = sp + 1 + rowBytes;
    }
    this.rest = buf.slice(pos);
  }

  end(): ParseStats {
    const s = this.stats;
    s.duplicates = this.table.duplicates;
    if (this.count < 0) throw new VectorFormatError(this.source, 1, 'empty file: no word2vec binary header');
    const trailing = this.rest.every((b) => b === 10 || b === 13 || b === 32);
    if (s.lines < this.count || !trailing) {
      throw new VectorFormatError(this.source, s.lines + 1, `header promises ${this.count} vectors but the data ends after ${s.lines} (truncated?)`);
    }
    return s;
  }
}
