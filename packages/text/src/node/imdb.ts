/**
 * IMDB (Large Movie Review Dataset v1.0) readers: the unpacked `aclImdb/` folder or the
 * `aclImdb_v1.tar.gz` archive itself (streamed: tar + gzip, nothing unpacked to disk).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { permutation } from '../rng.js';
import { gunzipChunks, sniff } from './bytes.js';
import { tarEntries } from './tar.js';
import { decodeUtf8Strict } from './utf8.js';

/** One labelled review. */
export interface ImdbExample {
  /** Review text; `<br />` tags become `\n` unless `lineBreaks: 'keep'` (tokens from `basicEnglish` are the same either way). */
  text: string;
  /** 1 = positive (`pos/`, rating ≥ 7), 0 = negative (`neg/`, rating ≤ 4). */
  label: 0 | 1;
  /** The reviewer's 1–10 rating, from the file name `{id}_{rating}.txt`. */
  rating: number;
  /** Review id within its folder (ids repeat across folders). */
  id: number;
  /** File path (directory source) or archive member name (archive source). */
  path: string;
}

export type ImdbSplit = 'train' | 'test';

/** Options of {@link readImdb}. */
export interface ReadImdbOptions {
  /** Read at most this many reviews, half from each label (pos gets the odd one). */
  limit?: number;
  /** With `limit`: pick a seeded random subset instead of the lowest ids (default false). */
  sample?: boolean;
  /** Seed for `sample` (default 0). */
  seed?: number;
  /** Files read at once from a directory (default 32). */
  concurrency?: number;
  /** Bytes that are not UTF-8: 'error' (default, names the file), 'replace' (U+FFFD, counted) or 'skip' (counted). */
  invalidUtf8?: 'error' | 'replace' | 'skip';
  /** Empty or whitespace-only reviews: 'skip' (default, counted) or 'keep'. */
  empty?: 'skip' | 'keep';
  /** 'newline' (default) turns each `<br />` into `\n`; 'keep' leaves the text as stored. */
  lineBreaks?: 'newline' | 'keep';
}

/** A review file found by {@link scanImdb}, not yet read. */
export interface ImdbFile {
  label: 0 | 1;
  rating: number;
  id: number;
  path: string;
}

/** Result of {@link readImdbDetailed}: the examples and every skipped file with the reason. */
export interface ImdbReadResult {
  examples: ImdbExample[];
  skipped: { path: string; reason: string }[];
  /** Files whose invalid bytes were replaced (with `invalidUtf8: 'replace'`). */
  replaced: string[];
}

const LABELS = [['pos', 1], ['neg', 0]] as const;
const NAME_RE = /^(\d+)_(\d+)\.txt$/;

/** Finds the `aclImdb` root under `dir` (`dir` itself or `dir/aclImdb`). */
export function imdbRoot(dir: string): string {
  for (const cand of [dir, path.join(dir, 'aclImdb')]) {
    if (existsSync(path.join(cand, 'train')) || existsSync(path.join(cand, 'test'))) return cand;
  }
  throw new Error(`${dir}: no aclImdb folder (expected ${path.join(dir, 'aclImdb', 'train')} or ${path.join(dir, 'train')})`);
}

/**
 * Lists a split's review files (readdir only, nothing read): pos first, then neg, each by id.
 * Throws naming the folder when a label folder is missing or holds no reviews.
 */
export async function scanImdb(dir: string, split: ImdbSplit): Promise<{ files: ImdbFile[]; skipped: { path: string; reason: string }[] }> {
  checkSplit(split);
  const root = imdbRoot(dir);
  const files: ImdbFile[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const [name, label] of LABELS) {
    const folder = path.join(root, split, name);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`${folder}: missing IMDB label folder '${split}/${name}'`);
    const found: ImdbFile[] = [];
    for (const f of await readdir(folder)) {
      const m = NAME_RE.exec(f);
      if (m) found.push({ label, id: Number(m[1]), rating: Number(m[2]), path: path.join(folder, f) });
      else skipped.push({ path: path.join(folder, f), reason: 'file name is not {id}_{rating}.txt' });
    }
    if (found.length === 0) throw new Error(`${folder}: no {id}_{rating}.txt reviews in '${split}/${name}'`);
    files.push(...found.sort((a, b) => a.id - b.id));
  }
  return { files, skipped };
}

function checkSplit(split: string): void {
  if (split !== 'train' && split !== 'test') throw new Error(`readImdb: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
}

/** Applies `limit`/`sample` per label; keeps pos-then-neg, id order. */
function select<T extends { label: 0 | 1; id: number }>(items: T[], o: ReadImdbOptions): T[] {
  if (o.limit === undefined) return items;
  const out: T[] = [];
  for (const [, label] of LABELS) {
    const group = items.filter((x) => x.label === label);
    const n = Math.min(group.length, label === 1 ? Math.ceil(o.limit / 2) : Math.floor(o.limit / 2));
    const picked = o.sample ? Array.from(permutation(group.length, (o.seed ?? 0) + label).subarray(0, n), (i) => group[i]!) : group.slice(0, n);
    out.push(...picked.sort((a, b) => a.id - b.id));
  }
  return out;
}

const lenientDecoder = new TextDecoder('utf-8');

/** Decodes and cleans one review; returns null (and records why) when it is skipped. */
function toText(bytes: Uint8Array, where: string, o: ReadImdbOptions, res: ImdbReadResult): string | null {
  let text = decodeUtf8Strict(bytes);
  if (text === null) {
    const mode = o.invalidUtf8 ?? 'error';
    if (mode === 'error') throw new Error(`${where}: not valid UTF-8 (use invalidUtf8: 'replace' or 'skip')`);
    if (mode === 'skip') {
      res.skipped.push({ path: where, reason: 'not valid UTF-8' });
      return null;
    }
    res.replaced.push(where);
    text = lenientDecoder.decode(bytes);
  }
  if ((o.empty ?? 'skip') === 'skip' && text.trim().length === 0) {
    res.skipped.push({ path: where, reason: 'empty review' });
    return null;
  }
  return (o.lineBreaks ?? 'newline') === 'newline' ? text.replace(/<br \/>/gi, '\n') : text;
}

/** {@link readImdb} with the list of skipped files. */
export async function readImdbDetailed(source: string, split: ImdbSplit, options: ReadImdbOptions = {}): Promise<ImdbReadResult> {
  checkSplit(split);
  if (!existsSync(source)) throw new Error(`${source}: IMDB source not found (give the folder holding aclImdb/ or aclImdb_v1.tar.gz)`);
  if (statSync(source).isFile()) return readArchive(source, split, options);
  const { files, skipped } = await scanImdb(source, split);
  const chosen = select(files, options);
  const res: ImdbReadResult = { examples: [], skipped, replaced: [] };
  const texts: (string | null)[] = new Array(chosen.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chosen.length) {
      const i = next++;
      texts[i] = toText(await readFile(chosen[i]!.path), chosen[i]!.path, options, res);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 32) }, worker));
  chosen.forEach((f, i) => {
    const text = texts[i];
    if (text !== null && text !== undefined) res.examples.push({ text, label: f.label, rating: f.rating, id: f.id, path: f.path });
  });
  return res;
}

async function readArchive(file: string, split: ImdbSplit, options: ReadImdbOptions): Promise<ImdbReadResult> {
  const kind = await sniff(file);
  if (kind === 'zip') throw new Error(`${file}: a zip archive; IMDB is read from a .tar.gz, a .tar or the unpacked folder`);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const chunks = kind === 'gzip' ? gunzipChunks(file, raw) : (raw as AsyncIterable<Uint8Array>);
  const re = new RegExp(`(?:^|/)aclImdb/${split}/(pos|neg)/([^/]+)$`);
  const found: (ImdbFile & { data: Uint8Array })[] = [];
  const res: ImdbReadResult = { examples: [], skipped: [], replaced: [] };
  for await (const e of tarEntries(chunks, { source: file, want: (n) => re.test(n) })) {
    const m = re.exec(e.name);
    if (!m) continue;
    const n = NAME_RE.exec(m[2]!);
    if (!n) {
      res.skipped.push({ path: e.name, reason: 'file name is not {id}_{rating}.txt' });
      continue;
    }
    found.push({ label: m[1] === 'pos' ? 1 : 0, id: Number(n[1]), rating: Number(n[2]), path: e.name, data: e.data });
  }
  for (const [name, label] of LABELS) {
    if (!found.some((f) => f.label === label)) throw new Error(`${file}: archive has no aclImdb/${split}/${name}/{id}_{rating}.txt reviews`);
  }
  found.sort((a, b) => b.label - a.label || a.id - b.id);
  for (const f of select(found, options)) {
    const text = toText(f.data, `${file}!${f.path}`, options, res);
    if (text !== null) res.examples.push({ text, label: f.label, rating: f.rating, id: f.id, path: f.path });
  }
  return res;
}

/**
 * Reads one split of IMDB from the `aclImdb` folder (or its parent) or straight from
 * `aclImdb_v1.tar.gz` / `.tar`. Order: pos then neg, by id. Skipped files (empty, or invalid UTF-8 with
 * `invalidUtf8: 'skip'`) are listed by {@link readImdbDetailed}.
 *
 * @example
 * const train = await readImdb('../shared/data/imdb', 'train');              // 25,000 examples
 * const some = await readImdb('aclImdb_v1.tar.gz', 'test', { limit: 1000, sample: true, seed: 1 });
 */
export async function readImdb(source: string, split: ImdbSplit, options: ReadImdbOptions = {}): Promise<ImdbExample[]> {
  return (await readImdbDetailed(source, split, options)).examples;
}
