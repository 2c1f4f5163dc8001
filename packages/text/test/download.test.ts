import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS, download, fetchDataset, readImdb } from '../src/node/index.js';
import { makeTar, tempDir } from './helpers/archives.js';

// A small IMDB-shaped tarball, made here; the server only ever listens on 127.0.0.1.
const reviews = Array.from({ length: 40 }, (_, i) => ({
  name: `aclImdb/${i < 20 ? 'train' : 'test'}/${i % 2 ? 'pos' : 'neg'}/${i}_${i % 2 ? 8 : 2}.txt`,
  data: `Review ${i}: ${'lorem ipsum '.repeat(50 + i)}<br />The end.`,
}));
const body = gzipSync(makeTar(reviews));
const sha256 = createHash('sha256').update(body).digest('hex');
const log: { url: string; range: string | undefined }[] = [];
let dropNext = false;
let ignoreRange = false;
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    log.push({ url: req.url!, range: req.headers.range });
    if (req.url === '/moved') {
      res.writeHead(302, { Location: '/imdb.tar.gz' }).end();
      return;
    }
    if (req.url !== '/imdb.tar.gz') {
      res.writeHead(404).end('not here');
      return;
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const from = m && !ignoreRange ? Number(m[1]) : 0;
    const slice = body.subarray(from);
    res.writeHead(m && !ignoreRange ? 206 : 200, {
      'Content-Length': slice.length,
      ...(m && !ignoreRange ? { 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}` } : {}),
    });
    if (dropNext) {
      dropNext = false;
      res.write(slice.subarray(0, slice.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('download (local server on 127.0.0.1)', () => {
  it('fetches, checks sha256 and size, renames atomically; the result reads as IMDB', async () => {
    const dest = path.join(tempDir(), 'sub', 'aclImdb_v1.tar.gz');
    const seen: number[] = [];
    const r = await download(`${base}/moved`, dest, { sha256, size: body.length, onProgress: (n) => seen.push(n) });
    expect(r).toMatchObject({ bytes: body.length, resumedFrom: 0, cached: false, sha256 });
    expect(readFileSync(dest).equals(body)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(seen.at(-1)).toBe(body.length);
    const train = await readImdb(dest, 'train');
    expect(train.length).toBe(20);
    expect(train[0]!.text.endsWith('\nThe end.')).toBe(true);
    const again = await download(`${base}/imdb.tar.gz`, dest, { sha256 });
    expect(again.cached).toBe(true);
  });

  it('resumes with a Range request after the connection drops halfway', async () => {
    const dest = path.join(tempDir(), 'a.tar.gz');
    dropNext = true;
    await expect(download(`${base}/imdb.tar.gz`, dest, { sha256 })).rejects.toThrow(/download interrupted at byte \d+ .*run again to resume/);
    const half = statSync(`${dest}.part`).size;
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(body.length);
    expect(existsSync(dest)).toBe(false);
    log.length = 0;
    const r = await download(`${base}/imdb.tar.gz`, dest, { sha256, size: body.length });
    expect(log).toEqual([{ url: '/imdb.tar.gz', range: `bytes=${half}-` }]);
    expect(r.resumedFrom).toBe(half);
    expect(readFileSync(dest).equals(body)).toBe(true);
  });

  it('starts over when the server ignores Range, and rejects bad checksums and HTTP errors', async () => {
    const dir = tempDir();
    const dest = path.join(dir, 'b.tar.gz');
    writeFileSync(`${dest}.part`, body.subarray(0, 100));
    ignoreRange = true;
    try {
      const r = await download(`${base}/imdb.tar.gz`, dest, { sha256 });
      expect(readFileSync(r.path).equals(body)).toBe(true);
    } finally {
      ignoreRange = false;
    }
    const bad = path.join(dir, 'c.tar.gz');
    await expect(download(`${base}/imdb.tar.gz`, bad, { sha256: '0'.repeat(64) })).rejects.toThrow(/downloaded file has sha256 [0-9a-f]{64}, expected 0{64}; removed/);
    expect(existsSync(bad) || existsSync(`${bad}.part`)).toBe(false);
    await expect(download(`${base}/imdb.tar.gz`, bad, { size: 5 })).rejects.toThrow(/size \d+ bytes, expected 5/);
    await expect(download(`${base}/missing`, bad)).rejects.toThrow(/\/missing: HTTP 404/);
    await expect(download(`${base}/imdb.tar.gz`, dest, { sha256: 'f'.repeat(64) })).rejects.toThrow(/already exists but sha256/);
  });

  it('fetchDataset applies the official size and md5 (so a wrong mirror file is refused)', async () => {
    const dir = tempDir();
    expect(DATASETS.imdb).toMatchObject({ file: 'aclImdb_v1.tar.gz', size: 84_125_825 });
    await expect(fetchDataset('imdb', dir, { url: `${base}/imdb.tar.gz`, quiet: true })).rejects.toThrow(
      new RegExp(`downloaded file has size ${body.length} bytes, expected 84125825`));
    await expect(fetchDataset('nope' as 'imdb', dir)).rejects.toThrow(/unknown dataset "nope"; choose imdb or glove6B/);
  });
});
