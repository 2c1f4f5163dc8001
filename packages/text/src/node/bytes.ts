/** Byte sources for files: plain, gzip (by magic bytes) or a zip member, as async chunk iterables. */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { listZip, pickEntry, readZipEntry } from './zip.js';
import { DataFileError } from './errors.js';

/** What a file starts with. */
export async function sniff(path: string): Promise<'gzip' | 'zip' | 'plain'> {
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new DataFileError(`${path}: cannot open (${err.code ?? err.message})`);
  });
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    if (bytesRead >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
    if (bytesRead === 4 && b.readUInt32LE(0) === 0x04034b50) return 'zip';
    return 'plain';
  } finally {
    await fh.close();
  }
}

/** Gunzips a stream; errors (truncation, corruption) name the file. */
export async function* gunzipChunks(path: string, src: Readable): AsyncGenerator<Uint8Array> {
  const gz = src.pipe(createGunzip({ chunkSize: 1 << 20 }));
  src.on('error', (err) => gz.destroy(err));
  try {
    for await (const chunk of gz as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw err;
    throw new DataFileError(`${path}: truncated or corrupt gzip data (${e.message})`);
  } finally {
    src.destroy();
  }
}

/**
 * The decompressed bytes of a file: plain, `.gz`, or a member of a `.zip` (`member` names it; a zip with
 * one file needs none). `described` receives the name used in error messages.
 */
export async function openBytes(path: string, options: { member?: string } = {}): Promise<{ chunks: AsyncIterable<Uint8Array>; name: string }> {
  const kind = await sniff(path);
  if (kind === 'zip') {
    const entry = pickEntry(path, await listZip(path), options.member);
    return { chunks: readZipEntry(path, entry), name: `${path}!${entry.name}` };
  }
  const src = createReadStream(path, { highWaterMark: 1 << 20 });
  if (kind === 'gzip') return { chunks: gunzipChunks(path, src), name: path };
  return { chunks: src as AsyncIterable<Uint8Array>, name: path };
}
