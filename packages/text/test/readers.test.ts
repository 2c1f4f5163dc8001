import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listZip, readLabeledFile, readZipEntry, tarEntries } from '../src/node/index.js';
import { makeTar, makeZip, tempDir } from './helpers/archives.js';

async function* chunksOf(buf: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe('tarEntries', () => {
  it('reads ustar prefix names and GNU/pax long names across any chunking, skipping unwanted bodies', async () => {
    const long = `${'d'.repeat(80)}/${'e'.repeat(60)}/file.txt`;
    const gnu = makeTar([{ name: '././@LongLink', data: 'x'.repeat(120) + '/z.txt\0' }, { name: 'short', data: 'gnu body' }]);
    gnu[512 * 0 + 156] = 'L'.charCodeAt(0);
    // fix the checksum of the patched header
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : gnu[i]!;
    gnu.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    const tar = makeTar([{ name: long, data: 'long body' }, { name: 'skip.bin', data: Buffer.alloc(3000, 1) }, { name: 'b.txt', data: 'B' }]);
    for (const size of [1, 100, 512, 4096]) {
      const got: [string, string][] = [];
      for await (const e of tarEntries(chunksOf(tar, size), { want: (n) => n.endsWith('.txt') })) got.push([e.name, Buffer.from(e.data).toString()]);
      expect(got).toEqual([[long, 'long body'], ['b.txt', 'B']]);
    }
    const g: string[] = [];
    for await (const e of tarEntries(chunksOf(gnu, 700))) g.push(`${e.name}=${Buffer.from(e.data).toString()}`);
    expect(g).toEqual([`${'x'.repeat(120)}/z.txt=gnu body`]);
  });
});

describe('zip reader', () => {
  it('lists members and streams stored and deflated ones with CRC checks', async () => {
    const file = path.join(tempDir(), 'a.zip');
    writeFileSync(file, makeZip([{ name: 'dir/s.txt', data: 'stored', stored: true }, { name: 'é.txt', data: 'deflated '.repeat(100) }]));
    const entries = await listZip(file);
    expect(entries.map((e) => [e.name, e.method, e.size])).toEqual([['dir/s.txt', 0, 6], ['é.txt', 8, 900]]);
    const read = async (i: number) => {
      const parts: Uint8Array[] = [];
      for await (const c of readZipEntry(file, entries[i]!)) parts.push(c);
      return Buffer.concat(parts).toString();
    };
    expect(await read(0)).toBe('stored');
    expect(await read(1)).toBe('deflated '.repeat(100));
    const corrupt = async () => {
      for await (const _ of readZipEntry(file, { ...entries[1]!, crc32: 1 })) void _;
    };
    await expect(corrupt()).rejects.toThrow(/é\.txt: expected 900 bytes with CRC-32 1, got 900 bytes/);
  });
});

describe('readLabeledFile', () => {
  const dir = tempDir();
  const write = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('reads CSV with quotes and multi-line fields, TSV and JSONL; labels 0/1 and neg/pos', async () => {
    const csv = write('a.csv', '\ufeffid,Text,label\r\n1,"Great, really ""great""",pos\r\n2,"two\nlines",0\n3,  ,1\n');
    const skips: [number, string][] = [];
    expect(await readLabeledFile(csv, { onSkip: (l, r) => skips.push([l, r]) })).toEqual([
      { text: 'Great, really "great"', label: 1, line: 2 },
      { text: 'two\nlines', label: 0, line: 3 },
    ]);
    expect(skips).toEqual([[5, 'empty text']]);
    const tsv = write('b.tsv', 'label\ttext\nnegative\tbad, bad\n1\tgood\n');
    expect((await readLabeledFile(tsv)).map((x) => [x.text, x.label])).toEqual([['bad, bad', 0], ['good', 1]]);
    const jsonl = write('c.jsonl', '{"text":"fine","label":1}\n\n{"text":"meh","label":"neg"}\n');
    expect((await readLabeledFile(jsonl)).map((x) => [x.text, x.label, x.line])).toEqual([['fine', 1, 1], ['meh', 0, 3]]);
  });

  it('names file and line for bad rows', async () => {
    await expect(readLabeledFile(write('d.csv', 'text,label\nok,1\nbad,maybe\n'))).rejects.toThrow(/d\.csv:3: label "maybe" is not one of/);
    await expect(readLabeledFile(write('e.csv', 'review,stars\nx,1\n'))).rejects.toThrow(/e\.csv:1: header must name "text" and "label"/);
    await expect(readLabeledFile(write('f.csv', 'text,label\na,1,extra\n'))).rejects.toThrow(/f\.csv:2: expected 2 fields like the header, found 3/);
    await expect(readLabeledFile(write('g.csv', 'text,label\n"open,1\n'))).rejects.toThrow(/g\.csv:2: unterminated quoted field/);
    await expect(readLabeledFile(write('h.jsonl', '{"text":"a","label":1}\n{oops}\n'))).rejects.toThrow(/h\.jsonl:2: invalid JSON/);
    await expect(readLabeledFile(path.join(dir, 'none.csv'))).rejects.toThrow(/none\.csv: cannot read \(ENOENT\)/);
    writeFileSync(path.join(dir, 'i.csv'), Buffer.from([0x74, 0x65, 0x78, 0x74, 0xff]));
    await expect(readLabeledFile(path.join(dir, 'i.csv'))).rejects.toThrow(/i\.csv: not valid UTF-8/);
  });
});
