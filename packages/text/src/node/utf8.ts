/** Strict UTF-8 decoding for Node readers. */
import { Buffer, isUtf8 } from 'node:buffer';

/**
 * Decodes UTF-8 bytes, dropping a leading BOM as TextDecoder does; null when they are not valid
 * UTF-8. Validation (`isUtf8`, SIMD) plus `Buffer#toString` is ~4× faster in Node 20 than
 * `new TextDecoder('utf-8', { fatal: true })`, which dominated reading a 33 MB CSV.
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | null {
  if (!isUtf8(bytes)) return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
