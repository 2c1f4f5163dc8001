/**
 * Data sources for train/eval: the built-in corpus, IMDB (the `aclImdb` folder or its `.tar.gz`), or
 * a labelled CSV/TSV/JSONL file. Every example is `{ text, label }` with label 0/1.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { splitTrainValid } from '@recur/text';
import { readImdb, readLabeledFile } from '@recur/text/node';
import { CliError } from '../errors.js';
import { builtinCorpus, type LabeledText } from './synthetic.js';

export interface DataSets {
  /** Human-readable description, e.g. `IMDB (../shared/data/imdb)`. */
  source: string;
  train: LabeledText[];
  valid: LabeledText[];
  /** Held-out test set (empty when the source has none). */
  test: LabeledText[];
  testSplit: string;
}

export type SourceKind = 'builtin' | 'imdb' | 'file';

export function sourceKind(path: string | null): SourceKind {
  if (path === null) return 'builtin';
  if (!existsSync(path)) throw new CliError(`data not found: ${path}`);
  const st = statSync(path);
  if (st.isDirectory()) {
    if (readdirSync(path).length === 0) throw new CliError(`data folder is empty: ${path}`);
    return 'imdb';
  }
  if (st.size === 0) throw new CliError(`data file is empty: ${path}`);
  if (/\.(tar\.gz|tgz|tar)$/i.test(path)) return 'imdb';
  if (/\.(csv|tsv|jsonl|ndjson)$/i.test(path)) return 'file';
  throw new CliError(`unsupported data file: ${path} (expected an aclImdb folder, aclImdb_v1.tar.gz, or .csv/.tsv/.jsonl)`);
}

const strip = (xs: readonly { text: string; label: number }[]): LabeledText[] => xs.map((x) => ({ text: x.text, label: x.label }));

function nonEmpty(xs: LabeledText[], what: string): LabeledText[] {
  if (xs.length === 0) throw new CliError(`${what} has no labelled examples`);
  return xs;
}

/** A labelled set and where it came from, in words. */
export interface LabeledTextSet {
  examples: LabeledText[];
  source: string;
}

/** Reads one labelled set (for `recur eval`): IMDB's test split, a labelled file, or the built-in test set. */
export async function loadEvalSet(path: string | null, opts: { limit?: number; seed?: number; split?: 'train' | 'test' } = {}): Promise<LabeledTextSet> {
  const kind = sourceKind(path);
  const limit = opts.limit || undefined;
  if (kind === 'builtin') {
    const test = builtinCorpus().test;
    return { examples: limit ? test.slice(0, limit) : test, source: 'built-in corpus (test)' };
  }
  if (kind === 'imdb') {
    const split = opts.split ?? 'test';
    const ex = await readImdb(path!, split, limit ? { limit, sample: true, seed: opts.seed ?? 0 } : {});
    return { examples: nonEmpty(strip(ex), `${path} (${split})`), source: `IMDB ${split} (${path})` };
  }
  const rows = nonEmpty(strip(await readLabeledFile(path!)), path!);
  return { examples: limit ? rows.slice(0, limit) : rows, source: path! };
}

/**
 * Loads train/valid/test for `recur train`. `validSplit` is the share of the training pool held out
 * for validation (0.3 = the seed's 70/30), with a seeded split.
 *
 * @example
 * const d = await loadDataSets({ data: null, test: null, validSplit: 0.1, seed: 1, limit: 0, testLimit: 0 });
 */
export async function loadDataSets(o: { data: string | null; test: string | null; validSplit: number; seed: number; limit: number; testLimit: number }): Promise<DataSets> {
  const kind = sourceKind(o.data);
  let pool: LabeledText[];
  let test: LabeledText[] = [];
  let source: string;
  let testSplit = 'test';
  if (kind === 'builtin') {
    const c = builtinCorpus();
    pool = c.train;
    test = c.test;
    source = 'built-in synthetic review corpus';
    testSplit = 'built-in test';
  } else if (kind === 'imdb') {
    const sample = (n: number) => (n ? { limit: n, sample: true, seed: o.seed } : {});
    pool = nonEmpty(strip(await readImdb(o.data!, 'train', sample(o.limit))), `${o.data} (train)`);
    test = strip(await readImdb(o.data!, 'test', sample(o.testLimit)).catch(() => []));
    source = `IMDB (${o.data})`;
    testSplit = o.testLimit ? `IMDB test sample` : 'IMDB test';
  } else {
    pool = nonEmpty(strip(await readLabeledFile(o.data!)), o.data!);
    if (o.limit) pool = pool.slice(0, o.limit);
    source = o.data!;
    if (o.test) {
      sourceKind(o.test);
      test = nonEmpty(strip(await readLabeledFile(o.test)), o.test);
      testSplit = o.test;
    }
  }
  if (kind === 'builtin' && o.limit) pool = pool.slice(0, o.limit);
  if (kind === 'builtin' && o.testLimit) test = test.slice(0, o.testLimit);
  if (pool.length < 2) throw new CliError(`${source}: need at least 2 training examples, got ${pool.length}`);
  const [train, valid] = splitTrainValid(pool, 1 - o.validSplit, o.seed);
  if (train.length === 0 || valid.length === 0) throw new CliError(`--valid-split ${o.validSplit} leaves an empty train or validation set (${pool.length} examples)`);
  return { source, train, valid, test, testSplit };
}
