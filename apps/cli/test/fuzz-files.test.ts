/**
 * Property-based tests of the file readers: CSV/TSV/JSONL, tar streams and zip archives. Every
 * input either reads or throws DataFileError naming the file — never a raw error or a hang.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataFileError, listZip, readLabeledFile, readZipEntry, tarEntries } from '@recur/text/node';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTar, buildZip } from './archive-builders.js';
import { mutated, ownError, structuredText } from './fuzz-helpers.js';
import { tempDir } from './helpers.js';

// File-backed properties do real I/O: fewer runs keep them at a few seconds.
const FILE_RUNS = { numRuns: 150 };

describe('fuzz: file readers', () => {
  const { dir, cleanup } = tempDir('recur-fuzz-');
  afterAll(cleanup);
  let n = 0;
  const file = (ext: string, content: string | Uint8Array) => {
    const p = join(dir, `f${n++}.${ext}`);
    writeFileSync(p, content);
    return p;
  };

  it('CSV, TSV and JSONL: rows with a 0/1 label and a non-empty text, or DataFileError naming the file', async () => {
    const pieces = ['text', 'label', ',', '\t', '"', '""', '\n', '\r\n', '\r', '0', '1', 'pos', 'neg', ' ', 'good film', '{', '}', '"text":', '"label":', 'null', '[1]', '\ufeff'];
    for (const ext of ['csv', 'tsv', 'jsonl']) {
      await fc.assert(fc.asyncProperty(fc.oneof(structuredText(pieces), fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b).toString('latin1'))), async (s) => {
        const p = file(ext, s);
        try {
          for (const r of await readLabeledFile(p)) {
            expect([0, 1]).toContain(r.label);
            expect(r.text.trim()).not.toBe('');
          }
        } catch (e) {
          ownError(e, DataFileError, p);
        }
      }), FILE_RUNS);
    }
    const bad = file('csv', Buffer.from([0x74, 0x65, 0xff, 0xfe]));
    await expect(readLabeledFile(bad)).rejects.toThrow(`${bad}: not valid UTF-8`);
  });

  it('tar streams: entries, or DataFileError naming the source', async () => {
    const good = buildTar([{ name: 'aclImdb/train/pos/1_9.txt', data: 'a fine film' }, { name: 'b.txt', data: 'x'.repeat(700) }]);
    const read = async (bytes: Uint8Array, chunk: number) => {
      const chunks = (async function* () {
        for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
      })();
      try {
        for await (const e of tarEntries(chunks, { source: 't.tar' })) expect(e.data.length).toBe(e.size);
      } catch (e) {
        ownError(e, DataFileError, 't.tar');
      }
    };
    await read(good, 100); // the valid archive reads
    await fc.assert(fc.asyncProperty(fc.oneof(mutated(good), fc.uint8Array({ maxLength: 1200 })), fc.integer({ min: 1, max: 700 }), read), FILE_RUNS);
  });

  it('zip archives: members, or DataFileError naming the file', async () => {
    const good = buildZip([{ name: 'glove.txt', data: 'the 1 2 3\n' }, { name: 'b.txt', data: 'bbb' }]);
    const read = async (bytes: Uint8Array) => {
      const p = file('zip', bytes);
      try {
        for (const entry of await listZip(p)) for await (const part of readZipEntry(p, entry)) expect(part).toBeInstanceOf(Uint8Array);
      } catch (e) {
        ownError(e, DataFileError, p);
      }
    };
    const members = await listZip(file('zip', good));
    expect(members.map((m) => m.name)).toEqual(['glove.txt', 'b.txt']);
    await fc.assert(fc.asyncProperty(fc.oneof(mutated(good), fc.uint8Array({ maxLength: 300 })), read), FILE_RUNS);
  });
});
