/** File helpers: atomic writes (temp file + fsync + rename) so a crash never leaves a truncated file. */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { CliError } from './errors.js';

let counter = 0;

/**
 * Writes `data` to `path` atomically: a temp file in the same directory is written, flushed and
 * renamed over `path`, so readers see the old file or the new one, never half of one.
 *
 * @example
 * writeFileAtomic('runs/a/config.json', JSON.stringify(config));
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** Writes JSON (2-space indented) atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads and parses a JSON file, with a one-line error naming the file when it is missing or invalid. */
export function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new CliError(`${what} not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new CliError(`${what} is not valid JSON: ${path} (${(e as Error).message})`);
  }
}

/** Throws a one-line error unless `path` exists (and is non-empty when it is a file). */
export function requireInput(path: string, what: string): void {
  if (!existsSync(path)) throw new CliError(`${what} not found: ${path}`);
  const st = statSync(path);
  if (st.isFile() && st.size === 0) throw new CliError(`${what} is empty: ${path}`);
}
