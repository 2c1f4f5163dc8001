/**
 * Streaming tar reader (ustar, pax `path`, GNU long names). Bodies of entries the caller does not want
 * are skipped without buffering, so a large archive streams through in constant memory.
 */
import { DataFileError } from './errors.js';

/** A regular file read from a tar stream. */
export interface TarEntry {
  name: string;
  size: number;
  data: Uint8Array;
}

const BLOCK = 512;

function field(h: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && h[end] !== 0) end++;
  return new TextDecoder().decode(h.subarray(start, end));
}

function parseSize(h: Uint8Array, source: string, offset: number): number {
  if (h[124]! & 0x80) {
    let n = 0;
    for (let i = 125; i < 136; i++) n = n * 256 + h[i]!;
    return n;
  }
  const s = field(h, 124, 12).trim();
  if (!/^[0-7]*$/.test(s)) throw new DataFileError(`${source}: corrupt tar header at byte ${offset} (size field ${JSON.stringify(s)})`);
  return s ? parseInt(s, 8) : 0;
}

function checksumOk(h: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return parseInt(field(h, 148, 8).trim(), 8) === sum;
}

function paxPath(data: Uint8Array): string | undefined {
  const text = new TextDecoder().decode(data);
  for (const rec of text.split('\n')) {
    const m = /^\d+ path=(.*)$/s.exec(rec);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Yields the regular files of a tar byte stream for which `want(name)` is true (default: all); the
 * bodies of the others are skipped unbuffered. Throws, naming `source`, on a corrupt header or when the stream ends mid-entry
 * or without the end-of-archive blocks.
 */
export async function* tarEntries(chunks: AsyncIterable<Uint8Array>, options: { source?: string; want?: (name: string) => boolean } = {}): AsyncGenerator<TarEntry> {
  const source = options.source ?? '<tar>';
  const want = options.want ?? (() => true);
  const header = new Uint8Array(BLOCK);
  let filled = 0;
  let offset = 0; // bytes consumed so far
  let remaining = 0; // body bytes left
  let pad = 0;
  let parts: Uint8Array[] | null = null;
  let current: { name: string; size: number; type: string } | null = null;
  let longName: string | undefined;
  let ended = false;
  let zeroBlocks = 0;

  const finish = (): TarEntry | null => {
    const cur = current!;
    const kept = parts;
    current = null;
    parts = null;
    if (!kept) return null;
    const data = join(kept, cur.size);
    if (cur.type === 'L') longName = new TextDecoder().decode(data).replace(/\0+$/, '');
    else if (cur.type === 'x') longName = paxPath(data) ?? longName;
    else if (cur.type === '0' || cur.type === '\0' || cur.type === '') {
      return { name: cur.name, size: cur.size, data };
    }
    return null;
  };

  for await (const chunk of chunks) {
    let p = 0;
    while (p < chunk.length && !ended) {
      if (current) {
        if (remaining > 0) {
          const n = Math.min(remaining, chunk.length - p);
          if (parts) parts.push(chunk.slice(p, p + n));
          remaining -= n;
          p += n;
          offset += n;
        } else {
          const n = Math.min(pad, chunk.length - p);
          pad -= n;
          p += n;
          offset += n;
        }
        if (remaining === 0 && pad === 0) {
          const e = finish();
          if (e) yield e;
        }
        continue;
      }
      const n = Math.min(BLOCK - filled, chunk.length - p);
      header.set(chunk.subarray(p, p + n), filled);
      filled += n;
      p += n;
      offset += n;
      if (filled < BLOCK) break;
      filled = 0;
      if (header.every((b) => b === 0)) {
        if (++zeroBlocks === 2) ended = true;
        continue;
      }
      zeroBlocks = 0;
      if (!checksumOk(header)) throw new DataFileError(`${source}: corrupt tar header at byte ${offset - BLOCK} (bad checksum; not a tar file?)`);
      const size = parseSize(header, source, offset - BLOCK);
      const type = String.fromCharCode(header[156]!);
      const prefix = field(header, 345, 155);
      let name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
      if (longName !== undefined && type !== 'L' && type !== 'x') {
        name = longName;
        longName = undefined;
      }
      current = { name, size, type };
      remaining = size;
      pad = (BLOCK - (size % BLOCK)) % BLOCK;
      const keep = type === 'L' || type === 'x' || ((type === '0' || type === '\0') && want(name));
      parts = keep ? [] : null;
      if (size === 0) {
        const e = finish();
        if (e) yield e;
      }
    }
    if (ended) break;
  }
  if (current) throw new DataFileError(`${source}: truncated tar: ${(current as { name: string }).name} ends ${remaining} bytes early`);
  if (filled > 0 || zeroBlocks === 0) throw new DataFileError(`${source}: truncated tar (stream ended without the end-of-archive blocks)`);
}

function join(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}
