/**
 * Parsers for the labelled text files a user drops on the page: CSV, TSV and JSONL with a text and a
 * label per record, and the reviews of an `aclImdb` folder (label from the `pos`/`neg` directory).
 * Pure functions over strings, so they are unit-tested in Node; errors name the file and the line.
 */

/** One labelled record before the labels are mapped to classes. */
export interface RawRecord {
  text: string;
  label: string;
}

/** Records with labels mapped to class indices. */
export interface LabeledCorpus {
  classes: string[];
  records: Array<{ text: string; label: number }>;
}

/** A file the page could not read as labelled text; the message is shown to the user as is. */
export class FileFormatError extends Error {
  override name = 'FileFormatError';
}

const TEXT_KEYS = ['text', 'review', 'sentence', 'content'];
const LABEL_KEYS = ['label', 'sentiment', 'class', 'target', 'polarity'];
const NEGATIVE = new Set(['0', 'neg', 'negative', 'false', 'bad']);
const POSITIVE = new Set(['1', 'pos', 'positive', 'true', 'good']);

/** Splits delimited text into rows of fields (RFC 4180 quoting: `"a ""b"", c"`, newlines inside quotes). */
export function parseDelimited(source: string, delimiter: string, fileName = 'file'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; field += c; }
    } else if (c === '"' && field === '') { quoted = true; quoteLine = line; }
    else if (c === delimiter) { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = []; field = ''; line++;
    } else field += c;
  }
  if (quoted) throw new FileFormatError(`${fileName}: the quote opened on line ${quoteLine} is never closed`);
  row.push(field);
  if (row.length > 1 || row[0] !== '') rows.push(row);
  return rows;
}

function columnsOf(header: string[]): { text: number; label: number } | null {
  const lower = header.map((h) => h.trim().toLowerCase());
  const text = lower.findIndex((h) => TEXT_KEYS.includes(h));
  const label = lower.findIndex((h) => LABEL_KEYS.includes(h));
  return text >= 0 && label >= 0 ? { text, label } : null;
}

function delimitedRecords(source: string, delimiter: string, fileName: string): RawRecord[] {
  const rows = parseDelimited(source, delimiter, fileName);
  if (rows.length === 0) throw new FileFormatError(`${fileName}: the file is empty`);
  const header = columnsOf(rows[0]!);
  const body = header ? rows.slice(1) : rows;
  const what = delimiter === '\t' ? 'tab' : 'comma';
  return body.map((r, i) => {
    const lineNo = i + (header ? 2 : 1);
    if (r.length < 2) {
      throw new FileFormatError(`${fileName}: line ${lineNo} has no ${what}-separated label (expected text${delimiter === '\t' ? '\\t' : ','}label)`);
    }
    // Without a header: text first and label last; extra unquoted delimiters belong to the text.
    if (header) return { text: r[header.text] ?? '', label: (r[header.label] ?? '').trim() };
    return { text: r.slice(0, -1).join(delimiter), label: r[r.length - 1]!.trim() };
  });
}

function jsonlRecords(source: string, fileName: string): RawRecord[] {
  const out: RawRecord[] = [];
  source.split(/\r?\n/).forEach((lineText, i) => {
    if (lineText.trim() === '') return;
    let o: unknown;
    try {
      o = JSON.parse(lineText);
    } catch {
      throw new FileFormatError(`${fileName}: line ${i + 1} is not valid JSON`);
    }
    if (typeof o !== 'object' || o === null) throw new FileFormatError(`${fileName}: line ${i + 1} is not a JSON object`);
    const rec = o as Record<string, unknown>;
    const tk = TEXT_KEYS.find((k) => typeof rec[k] === 'string');
    const lk = LABEL_KEYS.find((k) => rec[k] !== undefined && rec[k] !== null);
    if (!tk || !lk) throw new FileFormatError(`${fileName}: line ${i + 1} needs a "text" and a "label" field`);
    out.push({ text: rec[tk] as string, label: String(rec[lk]) });
  });
  return out;
}

/**
 * Parses a dropped file into raw records, choosing the format from the extension (`.csv`, `.tsv`,
 * `.jsonl`/`.ndjson`; `.txt` is read as TSV).
 *
 * @example
 * parseLabeledFile('reviews.tsv', 'great fun\t1\nawful\t0\n');
 * // [{ text: 'great fun', label: '1' }, { text: 'awful', label: '0' }]
 */
export function parseLabeledFile(fileName: string, source: string): RawRecord[] {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  let records: RawRecord[];
  if (ext === 'jsonl' || ext === 'ndjson') records = jsonlRecords(source, fileName);
  else if (ext === 'csv') records = delimitedRecords(source, ',', fileName);
  else if (ext === 'tsv' || ext === 'txt') records = delimitedRecords(source, '\t', fileName);
  else throw new FileFormatError(`${fileName}: unsupported file type '.${ext}' (use .csv, .tsv, .jsonl, or an aclImdb folder)`);
  if (records.length === 0) throw new FileFormatError(`${fileName}: no records found`);
  return records;
}

/**
 * Maps label strings to class indices. Binary sentiment spellings (0/1, neg/pos, negative/positive,
 * false/true) become `['negative', 'positive']`; anything else becomes its sorted distinct values.
 */
export function toClasses(records: RawRecord[], source = 'data', maxClasses = 20): LabeledCorpus {
  const labels = new Set(records.map((r) => r.label.toLowerCase()));
  const binary = [...labels].every((l) => NEGATIVE.has(l) || POSITIVE.has(l));
  if (binary) {
    if (labels.size < 2) throw new FileFormatError(`${source}: every record has the same label '${[...labels][0] ?? ''}'; training needs at least two classes`);
    return { classes: ['negative', 'positive'], records: records.map((r) => ({ text: r.text, label: POSITIVE.has(r.label.toLowerCase()) ? 1 : 0 })) };
  }
  const classes = [...new Set(records.map((r) => r.label))].sort();
  if (classes.length < 2) throw new FileFormatError(`${source}: every record has the same label '${classes[0] ?? ''}'; training needs at least two classes`);
  if (classes.length > maxClasses) {
    throw new FileFormatError(`${source}: ${classes.length} distinct labels (e.g. ${classes.slice(0, 3).map((c) => JSON.stringify(c)).join(', ')}); at most ${maxClasses} are supported — is the label the last column?`);
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  return { classes, records: records.map((r) => ({ text: r.text, label: index.get(r.label)! })) };
}

/** Where an aclImdb review file sits: split, label, and whether it is a review at all. */
export function imdbPathInfo(path: string): { split: 'train' | 'test'; label: 0 | 1 } | null {
  const m = /(?:^|\/)(train|test)\/(pos|neg)\/[^/]+\.txt$/.exec(path.replace(/\\/g, '/'));
  if (!m) return null;
  return { split: m[1] as 'train' | 'test', label: m[2] === 'pos' ? 1 : 0 };
}

/**
 * Picks at most `perClass` reviews per split and label from a listing of aclImdb paths, spread evenly
 * over the listing (the folder holds 25,000 per split; reading them all in a page takes a while).
 */
export function selectImdbFiles<T extends { path: string }>(files: T[], perClass: number): Array<T & { split: 'train' | 'test'; label: 0 | 1 }> {
  const groups = new Map<string, Array<T & { split: 'train' | 'test'; label: 0 | 1 }>>();
  for (const f of files) {
    const info = imdbPathInfo(f.path);
    if (!info) continue;
    const key = `${info.split}/${info.label}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push({ ...f, ...info });
  }
  if (groups.size === 0) throw new FileFormatError('this folder has no aclImdb reviews (expected train/pos/*.txt, train/neg/*.txt, test/…)');
  const out: Array<T & { split: 'train' | 'test'; label: 0 | 1 }> = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const n = Math.min(perClass, g.length);
    for (let i = 0; i < n; i++) out.push(g[Math.floor((i * g.length) / n)]!);
  }
  return out;
}
