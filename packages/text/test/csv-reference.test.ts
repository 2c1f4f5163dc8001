/**
 * readLabeledFile's CSV/TSV splitter against csv-parse (the library the reliability issue names) on
 * random well-formed files: quotes, separators, CR/LF/CRLF inside quoted fields, BOM, both line
 * endings. Both must read the same texts, labels and (for ours) the line each record starts on.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLabeledFile } from '../src/node/index.js';
import { tempDir } from './helpers/archives.js';

const piece = fc.constantFrom('a', 'Zé', ' ', ',', '\t', '"', '""', '\n', '\r\n', '\r', "it's", '😀');
const text = fc.array(piece, { minLength: 1, maxLength: 12 }).map((p) => p.join('')).filter((t) => t.trim() !== '');
const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

describe('readLabeledFile vs csv-parse', () => {
  const dir = tempDir('recur-csv-ref-');
  it.each([
    [',', 'csv'],
    ['\t', 'tsv'],
  ] as const)('reads the same records as csv-parse (delimiter %j)', async (sep, ext) => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, fc.constantFrom(0, 1)), { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), async (rows, eol, bom) => {
        const body = (bom ? '\ufeff' : '') + [`text${sep}label`, ...rows.map(([t, l]) => `${quote(t)}${sep}${l}`)].join(eol) + eol;
        const file = path.join(dir, `f${k++}.${ext}`);
        writeFileSync(file, body);
        const ours = await readLabeledFile(file);
        const ref = (parse(body, { columns: true, bom: true, delimiter: sep, relax_quotes: false }) as { text: string; label: string }[]).map((r) => ({ text: r.text, label: Number(r.label) }));
        expect(ours.map(({ text: t, label }) => ({ text: t, label }))).toEqual(ref);
        // Each record's first line: 1 (header) + the line breaks of the records before it.
        let line = 2;
        ours.forEach((r, i) => {
          expect(r.line).toBe(line);
          line += 1 + (rows[i]![0].match(/\n|\r(?!\n)/g)?.length ?? 0);
        });
      }),
      { numRuns: 300, seed: 20261204 },
    );
  });
});
