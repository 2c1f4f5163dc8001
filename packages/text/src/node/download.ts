/**
 * Resumable downloads over node:http/https: the body goes to `<dest>.part` (appended to with an HTTP
 * `Range` request when a previous try was cut off), is checked (size, sha256 or md5) and only then
 * renamed to `dest`, so `dest` never holds a partial file.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

/** Official sources. Sizes are the published byte counts; IMDB's md5 is the one torchtext checks. */
export const DATASETS = {
  imdb: {
    url: 'https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz',
    file: 'aclImdb_v1.tar.gz',
    size: 84_125_825,
    md5: '7c2ac02c03563afcf9b574c7e56c153a',
  },
  glove6B: {
    url: 'https://nlp.stanford.edu/data/glove.6B.zip',
    file: 'glove.6B.zip',
    size: 862_182_613,
    members: ['glove.6B.50d.txt', 'glove.6B.100d.txt', 'glove.6B.200d.txt', 'glove.6B.300d.txt'],
  },
} as const;

/** Options of {@link download}. */
export interface DownloadOptions {
  /** Expected byte count. */
  size?: number;
  /** Expected SHA-256 (hex). */
  sha256?: string;
  /** Expected MD5 (hex). */
  md5?: string;
  /** Continue a `<dest>.part` left by an interrupted try (default true). */
  resume?: boolean;
  /** Called as bytes arrive: bytes so far (resumed bytes included) and the total when known. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Redirects to follow (default 5). */
  maxRedirects?: number;
  /** Socket idle timeout in ms (default 60,000). */
  timeoutMs?: number;
}

/** Result of {@link download}. */
export interface DownloadResult {
  path: string;
  bytes: number;
  /** Bytes that came from an earlier, interrupted try. */
  resumedFrom: number;
  /** `dest` already existed and matched the checks; nothing was fetched. */
  cached: boolean;
  sha256: string;
}

function get(url: string, headers: Record<string, string>, timeoutMs: number): Promise<http.IncomingMessage> {
  const lib = url.startsWith('https:') ? https : url.startsWith('http:') ? http : null;
  if (!lib) return Promise.reject(new Error(`download: unsupported URL ${url} (http or https only)`));
  return new Promise((resolve, reject) => {
    const req = lib.get(url, { headers }, resolve);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no data for ${timeoutMs} ms`)));
    req.on('error', (err) => reject(new Error(`${url}: request failed (${err.message})`)));
  });
}

async function hashes(file: string): Promise<{ sha256: string; md5: string; bytes: number }> {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    sha.update(chunk);
    md5.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: sha.digest('hex'), md5: md5.digest('hex'), bytes };
}

/** Checks a finished file against the options; returns the problem, or null. */
async function check(file: string, o: DownloadOptions): Promise<{ problem: string | null; sha256: string; bytes: number }> {
  const h = await hashes(file);
  let problem: string | null = null;
  if (o.size !== undefined && h.bytes !== o.size) problem = `size ${h.bytes} bytes, expected ${o.size}`;
  else if (o.sha256 && h.sha256 !== o.sha256.toLowerCase()) problem = `sha256 ${h.sha256}, expected ${o.sha256}`;
  else if (o.md5 && h.md5 !== o.md5.toLowerCase()) problem = `md5 ${h.md5}, expected ${o.md5}`;
  return { problem, sha256: h.sha256, bytes: h.bytes };
}

/**
 * Downloads `url` to `dest`. An existing `dest` that passes the checks is kept (`cached`); one that fails
 * them is an error. An interrupted download leaves `<dest>.part`; the next call resumes it.
 *
 * @example
 * await download(DATASETS.imdb.url, 'data/aclImdb_v1.tar.gz', { size: DATASETS.imdb.size, md5: DATASETS.imdb.md5,
 *   onProgress: (n, total) => process.stderr.write(`\r${n} / ${total}`) });
 */
export async function download(url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const { resume = true, maxRedirects = 5, timeoutMs = 60_000 } = options;
  if (existsSync(dest)) {
    const c = await check(dest, options);
    if (c.problem) throw new Error(`${dest}: already exists but ${c.problem}; delete it to download again`);
    return { path: dest, bytes: c.bytes, resumedFrom: 0, cached: true, sha256: c.sha256 };
  }
  await mkdir(path.dirname(path.resolve(dest)), { recursive: true });
  const part = `${dest}.part`;
  let start = resume && existsSync(part) ? statSync(part).size : 0;
  if (options.size !== undefined && start > options.size) start = 0;
  const resumedFrom = start;
  if (options.size === undefined || start < options.size) {
    let target = url;
    let res: http.IncomingMessage;
    for (let hop = 0; ; hop++) {
      res = await get(target, start > 0 ? { Range: `bytes=${start}-` } : {}, timeoutMs);
      const loc = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && loc) {
        res.resume();
        if (hop >= maxRedirects) throw new Error(`${url}: more than ${maxRedirects} redirects`);
        target = new URL(loc, target).toString();
        continue;
      }
      break;
    }
    const status = res.statusCode ?? 0;
    let append = false;
    if (status === 206 && start > 0) {
      const range = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''));
      if (!range || Number(range[1]) !== start) {
        res.resume();
        throw new Error(`${target}: server answered range ${String(res.headers['content-range'])} to a request from byte ${start}`);
      }
      append = true;
    } else if (status === 416 && start > 0) {
      res.resume();
    } else if (status !== 200) {
      res.resume();
      throw new Error(`${target}: HTTP ${status} ${res.statusMessage ?? ''}`.trim());
    }
    if (status !== 416) {
      if (!append) start = 0;
      const length = Number(res.headers['content-length'] ?? NaN);
      const total = Number.isFinite(length) ? start + length : options.size;
      let received = start;
      const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
          received += chunk.length;
          options.onProgress?.(received, total);
        }
        if (Number.isFinite(length) && received - start < length) throw new Error(`connection closed after ${received - start} of ${length} bytes`);
      } catch (err) {
        throw new Error(`${target}: download interrupted at byte ${received} (${(err as Error).message}); run again to resume from ${part}`);
      } finally {
        await new Promise<void>((r) => out.end(r));
      }
    }
  }
  const c = await check(part, options);
  if (c.problem) {
    await rm(part, { force: true });
    throw new Error(`${url}: downloaded file has ${c.problem}; removed ${part}`);
  }
  await rename(part, dest);
  return { path: dest, bytes: c.bytes, resumedFrom, cached: false, sha256: c.sha256 };
}

/** Downloads one of {@link DATASETS} into `dir`; `url` overrides the source (mirrors, tests). */
export async function fetchDataset(name: keyof typeof DATASETS, dir: string, options: { url?: string; quiet?: boolean } = {}): Promise<string> {
  const d = DATASETS[name];
  if (!d) throw new Error(`unknown dataset ${JSON.stringify(name)}; choose ${Object.keys(DATASETS).join(' or ')}`);
  const dest = path.join(dir, d.file);
  let last = 0;
  const r = await download(options.url ?? d.url, dest, {
    size: d.size,
    ...('md5' in d ? { md5: d.md5 } : {}),
    onProgress: (n, total) => {
      if (options.quiet || Date.now() - last < 500) return;
      last = Date.now();
      process.stderr.write(`\r${d.file}: ${(n / 1e6).toFixed(1)} / ${total ? (total / 1e6).toFixed(1) : '?'} MB`);
    },
  });
  if (!options.quiet) process.stderr.write(`\r${dest}: ${r.cached ? 'already there' : 'done'} (${r.bytes} bytes)\n`);
  return dest;
}
