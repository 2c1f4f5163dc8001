/** Reader for user-supplied labelled text: CSV, TSV or JSON Lines with `text` and `label`. */
import { readFile } from 'node:fs/promises';
import { DataFileError } from './errors.js';

/** One labelled example; `line` is where its record starts (1-based). */
export interface LabeledExample {
  text: string;
  label: 0 | 1;
  line: number;
}

/** Options of {@link readLabeledFile}. */
export interface ReadLabeledOptions {
  /** 'csv' | 'tsv' | 'jsonl'; default from the extension (`.tsv`, `.jsonl`/`.ndjson`, else CSV). */
  format?: 'csv' | 'tsv' | 'jsonl';
  /** Called for each skipped row (empty text); such rows are not returned. */
  onSkip?: (line: number, reason: string) => void;
}

const LABELS: Record<string, 0 | 1> = { '0': 0, '1': 1, neg: 0, pos: 1, negative: 0, positive: 1 };

function parseLabel(v: unknown, where: string): 0 | 1 {
  const key = String(v).trim().toLowerCase();
  const l = LABELS[key];
  if (l === undefined) throw new DataFileError(`${where}: label ${JSON.stringify(v)} is not one of 0, 1, neg, pos, negative, positive`);
  return l;
}

/** Splits delimited text into records (RFC 4180 quoting, CRLF or LF), with each record's first line. */
function* records(text: string, sep: string, file: string): Generator<{ fields: string[]; line: number }> {
  let line = 1;
  let start = 1;
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (!(fields.length === 1 && fields[0] === '')) yield { fields, line: start };
      fields = [];
      field = '';
      line++;
      start = line;
    } else field += c;
    i++;
  }
  if (quoted) throw new DataFileError(`${file}:${start}: unterminated quoted field`);
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    yield { fields, line: start };
  }
}

/**
 * Reads `text,label` examples. CSV/TSV need a header row naming `text` and `label` (any order, other
 * columns ignored); JSONL needs `text` and `label` keys on every line. Labels: 0/1, neg/pos,
 * negative/positive. Errors name the file and line; rows with empty text are skipped via `onSkip`.
 *
 * @example
 * const rows = await readLabeledFile('reviews.csv'); // [{ text, label, line }, …]
 */
export async function readLabeledFile(file: string, options: ReadLabeledOptions = {}): Promise<LabeledExample[]> {
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new DataFileError(`${file}: cannot read (${err.code ?? err.message})`);
  });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\ufeff/, '');
  } catch {
    throw new DataFileError(`${file}: not valid UTF-8`);
  }
  const format = options.format ?? (/\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : /\.tsv$/i.test(file) ? 'tsv' : 'csv');
  const out: LabeledExample[] = [];
  const push = (t: unknown, l: unknown, line: number): void => {
    const where = `${file}:${line}`;
    if (typeof t !== 'string') throw new DataFileError(`${where}: text must be a string, got ${JSON.stringify(t)}`);
    const label = parseLabel(l, where);
    if (t.trim() === '') options.onSkip?.(line, 'empty text');
    else out.push({ text: t, label, line });
  };
  if (format === 'jsonl') {
    text.split('\n').forEach((raw, k) => {
      if (raw.trim() === '') return;
      let o: { text?: unknown; label?: unknown };
      try {
        o = JSON.parse(raw) as typeof o;
      } catch (err) {
        throw new DataFileError(`${file}:${k + 1}: invalid JSON (${(err as Error).message})`);
      }
      if (o === null || typeof o !== 'object' || !('text' in o) || !('label' in o)) throw new DataFileError(`${file}:${k + 1}: needs "text" and "label" keys`);
      push(o.text, o.label, k + 1);
    });
    return out;
  }
  let cols: { text: number; label: number; n: number } | null = null;
  for (const { fields, line } of records(text, format === 'tsv' ? '\t' : ',', file)) {
    if (!cols) {
      const names = fields.map((f) => f.trim().toLowerCase());
      const t = names.indexOf('text');
      const l = names.indexOf('label');
      if (t < 0 || l < 0) throw new DataFileError(`${file}:${line}: header must name "text" and "label" columns, found ${JSON.stringify(fields)}`);
      cols = { text: t, label: l, n: fields.length };
      continue;
    }
    if (fields.length !== cols.n) throw new DataFileError(`${file}:${line}: expected ${cols.n} fields like the header, found ${fields.length}`);
    push(fields[cols.text], fields[cols.label], line);
  }
  if (!cols) throw new DataFileError(`${file}: empty file (no header row)`);
  return out;
}
