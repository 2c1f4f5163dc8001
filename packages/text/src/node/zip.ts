/**
 * Minimal zip reader: lists members from the central directory (zip64 included) and streams one member
 * (stored or deflated), checking its CRC-32 and size at the end. Enough for `glove.6B.zip`.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { crc32, createInflateRaw } from 'node:zlib';
import { DataFileError } from './errors.js';

/** One member of a zip archive. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const LOCATOR64 = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Lists the members of a zip file. Throws a message naming the file when it is not a readable zip. */
export async function listZip(path: string): Promise<ZipEntry[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let e = -1;
    for (let i = tailLen - 22; i >= 0; i--) if (tail.readUInt32LE(i) === EOCD) { e = i; break; }
    if (e < 0) throw new DataFileError(`${path}: not a zip file, or truncated (no end-of-central-directory record)`);
    let count = tail.readUInt16LE(e + 10);
    let cdSize = tail.readUInt32LE(e + 12);
    let cdOffset = tail.readUInt32LE(e + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      if (e < 20 || tail.readUInt32LE(e - 20) !== LOCATOR64) throw new DataFileError(`${path}: zip64 archive without a zip64 locator`);
      const rec = Buffer.alloc(56);
      await fh.read(rec, 0, 56, Number(tail.readBigUInt64LE(e - 12)));
      if (rec.readUInt32LE(0) !== EOCD64) throw new DataFileError(`${path}: bad zip64 end-of-central-directory record`);
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size) throw new DataFileError(`${path}: central directory lies past the end of the file (truncated zip)`);
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new DataFileError(`${path}: corrupt central directory at entry ${k}`);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const entry: ZipEntry = {
        name: cd.toString((cd.readUInt16LE(p + 8) & 0x800) ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen),
        method: cd.readUInt16LE(p + 10),
        crc32: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
      };
      readZip64Extra(cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen), entry);
      entries.push(entry);
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

function readZip64Extra(extra: Buffer, e: ZipEntry): void {
  for (let q = 0; q + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(q);
    const len = extra.readUInt16LE(q + 2);
    if (id === 0x0001) {
      let r = q + 4;
      const next = (): number => {
        const v = Number(extra.readBigUInt64LE(r));
        r += 8;
        return v;
      };
      if (e.size === 0xffffffff) e.size = next();
      if (e.compressedSize === 0xffffffff) e.compressedSize = next();
      if (e.localHeaderOffset === 0xffffffff) e.localHeaderOffset = next();
    }
    q += 4 + len;
  }
}

/** Picks a member by name (or basename); with no name, the only member. Errors list what is there. */
export function pickEntry(path: string, entries: ZipEntry[], member?: string): ZipEntry {
  const files = entries.filter((e) => !e.name.endsWith('/'));
  if (member === undefined) {
    if (files.length === 1) return files[0]!;
    throw new DataFileError(`${path}: holds ${files.length} files; choose one with { member } (${files.map((f) => f.name).join(', ')})`);
  }
  const hit = files.find((e) => e.name === member) ?? files.find((e) => e.name.split('/').pop() === member);
  if (!hit) throw new DataFileError(`${path}: no member ${JSON.stringify(member)} (has ${files.map((f) => f.name).join(', ')})`);
  return hit;
}

/** Streams one member's uncompressed bytes; the CRC-32 and size are checked when the stream ends. */
export async function* readZipEntry(path: string, entry: ZipEntry): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r');
  const head = Buffer.alloc(30);
  try {
    await fh.read(head, 0, 30, entry.localHeaderOffset);
  } finally {
    await fh.close();
  }
  if (head.readUInt32LE(0) !== LOCAL) throw new DataFileError(`${path}: bad local header for ${entry.name}`);
  const start = entry.localHeaderOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  if (entry.method !== 0 && entry.method !== 8) throw new DataFileError(`${path}: ${entry.name} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
  const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 20 });
  const out = entry.method === 8 ? raw.pipe(createInflateRaw({ chunkSize: 1 << 20 })) : raw;
  if (out !== raw) raw.on('error', (err) => out.destroy(err));
  let crc = 0;
  let n = 0;
  try {
    for await (const chunk of out as AsyncIterable<Buffer>) {
      crc = crc32(chunk, crc);
      n += chunk.length;
      yield chunk;
    }
  } catch (err) {
    throw new DataFileError(`${path}: ${entry.name}: truncated or corrupt data (${(err as Error).message})`);
  } finally {
    raw.destroy();
  }
  if (n !== entry.size || crc >>> 0 !== entry.crc32) {
    throw new DataFileError(`${path}: ${entry.name}: expected ${entry.size} bytes with CRC-32 ${entry.crc32.toString(16)}, got ${n} bytes with ${(crc >>> 0).toString(16)} (truncated or corrupt)`);
  }
}
