// Our readers of outside formats against the libraries the issue names, on the same real files:
//   CSV  — readLabeledFile vs csv-parse (sync, columns) on the 25,000 IMDB training reviews as text,label
//   tar  — tarEntries vs tar-stream, both behind node:zlib gunzip, on aclImdb/train as a .tar.gz,
//          keeping the pos/neg review bodies (the rest skipped)
//   zip  — readZipEntry vs fflate's streaming Unzip on a deflated GloVe-format member
// Each (format, reader) runs in RUNS fresh child processes; prints the median time and peak RSS and merges
// `parse-<format>` rows into <repo root>/bench-results.json. Inputs are built once in os.tmpdir() from
// ../shared/data (RECUR_DATA overrides): nothing is downloaded.
// Run: pnpm --filter @recur/text bench:parsers
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const data = process.env.RECUR_DATA ?? path.resolve(repoRoot, '../shared/data');
const imdb = path.join(data, 'imdb/aclImdb');
const tmp = path.join(os.tmpdir(), 'recur-parsers-bench');
const RUNS = 3;
const files = { csv: path.join(tmp, 'imdb-train.csv'), tgz: path.join(tmp, 'aclImdb-train.tar.gz'), zip: path.join(tmp, 'glove-synthetic.zip') };
const build = '../node_modules/.bench-build-parsers/node';
const wanted = (name) => /train\/(pos|neg)\/[^/]+\.txt$/.test(name);

/** Builds the inputs once: a quoted CSV of the training reviews, a tar.gz of train/, a zip of a GloVe-format file. */
function prepare() {
  spawnSync('mkdir', ['-p', tmp]);
  if (!existsSync(files.csv)) {
    const q = (s) => `"${s.replaceAll('"', '""')}"`;
    const rows = ['text,label'];
    for (const [dir, label] of [['neg', 0], ['pos', 1]]) {
      const d = path.join(imdb, 'train', dir);
      for (const f of readdirSync(d)) rows.push(`${q(readFileSync(path.join(d, f), 'utf8'))},${label}`);
    }
    writeFileSync(files.csv, rows.join('\r\n') + '\r\n');
  }
  if (!existsSync(files.tgz)) {
    const r = spawnSync('tar', ['czf', files.tgz, '-C', path.dirname(imdb), 'aclImdb/train'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('tar czf failed');
  }
  if (!existsSync(files.zip)) {
    // 120,000 GloVe-format lines (~100 MB) from the real subset's words, deflated by the system zip.
    const glove = readFileSync(path.join(data, 'glove/glove.6B.100d.top2604.txt'), 'utf8').trim().split('\n');
    const txt = path.join(tmp, 'glove.synthetic.100d.txt');
    const out = [];
    for (let i = 0; i < 120_000; i++) out.push(i < glove.length ? glove[i] : `${glove[i % glove.length].split(' ')[0]}${i}${glove[i % glove.length].slice(glove[i % glove.length].indexOf(' '))}`);
    writeFileSync(txt, out.join('\n') + '\n');
    const r = spawnSync('zip', ['-j', '-q', files.zip, txt], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('zip failed (apt-get install zip)');
  }
}

/** One timed parse in this process; returns { ms, items, bytes }. */
async function parse(format, reader) {
  const t0 = performance.now();
  let items = 0, bytes = 0;
  if (format === 'csv' && reader === 'recur') {
    const { readLabeledFile } = await import(`${build}/labeled.js`);
    const rows = await readLabeledFile(files.csv);
    items = rows.length;
    for (const r of rows) bytes += r.text.length;
  } else if (format === 'csv') {
    const { parse: csv } = await import('csv-parse/sync');
    const LABELS = { 0: 0, 1: 1 };
    const rows = csv(readFileSync(files.csv), { columns: true, bom: true });
    for (const r of rows) {
      if (LABELS[r.label] === undefined) throw new Error(`bad label ${r.label}`);
      items++;
      bytes += r.text.length;
    }
  } else if (format === 'tar' && reader === 'recur') {
    const { tarEntries } = await import(`${build}/tar.js`);
    for await (const e of tarEntries(createReadStream(files.tgz).pipe(createGunzip()), { source: files.tgz, want: wanted })) {
      items++;
      bytes += e.data.length;
    }
  } else if (format === 'tar') {
    const { extract } = await import('tar-stream');
    const ex = extract();
    createReadStream(files.tgz).pipe(createGunzip()).pipe(ex);
    for await (const entry of ex) {
      if (entry.header.type === 'file' && wanted(entry.header.name)) {
        const parts = [];
        for await (const c of entry) parts.push(c);
        items++;
        bytes += Buffer.concat(parts).length;
      } else entry.resume();
    }
  } else if (format === 'zip' && reader === 'recur') {
    const { listZip, pickEntry, readZipEntry } = await import(`${build}/zip.js`);
    const entry = pickEntry(files.zip, await listZip(files.zip));
    for await (const c of readZipEntry(files.zip, entry)) bytes += c.length;
    items = 1;
  } else {
    const { Unzip, UnzipInflate } = await import('fflate');
    await new Promise((resolve, reject) => {
      const un = new Unzip((file) => {
        items++;
        file.ondata = (err, chunk, final) => {
          if (err) return reject(err);
          bytes += chunk.length;
          if (final) resolve();
        };
        file.start();
      });
      un.register(UnzipInflate);
      const s = createReadStream(files.zip, { highWaterMark: 1 << 20 });
      s.on('data', (c) => un.push(c));
      s.on('end', () => un.push(new Uint8Array(0), true));
      s.on('error', reject);
    });
  }
  return { ms: performance.now() - t0, items, bytes, peak_rss_mb: process.resourceUsage().maxRSS / 1024 };
}

function mergeResults(rows) {
  const out = path.join(repoRoot, 'bench-results.json');
  let all = [];
  try {
    all = JSON.parse(readFileSync(out, 'utf8'));
    if (!Array.isArray(all)) all = [];
  } catch {
    all = [];
  }
  for (const row of rows) all = all.filter((r) => !(r.workload === row.workload && r.framework === row.framework));
  all.push(...rows);
  writeFileSync(`${out}.${process.pid}.tmp`, JSON.stringify(all, null, 2) + '\n');
  renameSync(`${out}.${process.pid}.tmp`, out);
  return out;
}

if (process.argv[2] === '--measure') {
  process.stdout.write(JSON.stringify(await parse(process.argv[3], process.argv[4])) + '\n');
} else {
  prepare();
  const rows = [];
  const peers = { csv: 'csv-parse 7.0.3', tar: 'tar-stream 3.3.0', zip: 'fflate 0.8.3' };
  for (const format of ['csv', 'tar', 'zip']) {
    const line = [];
    const got = {};
    for (const reader of ['recur', peers[format]]) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) {
        const c = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--measure', format, reader === 'recur' ? 'recur' : 'peer'], { encoding: 'utf8', cwd: here });
        if (c.status !== 0) throw new Error(`${format} ${reader}: ${c.stderr}`);
        runs.push(JSON.parse(c.stdout.trim().split('\n').pop()));
      }
      const ms = runs.map((r) => r.ms).sort((a, b) => a - b)[1];
      const peak = Math.max(...runs.map((r) => r.peak_rss_mb));
      got[reader] = runs[0];
      line.push(`${reader} ${ms.toFixed(0)} ms (peak RSS ${peak.toFixed(0)} MB)`);
      rows.push({ workload: `parse-${format}`, framework: reader, backend: 'cpu', threads: 1, batch: null, ms_median: Math.round(ms), tokens_per_s: null, peak_rss_mb: Math.round(peak), items: runs[0].items, bytes: runs[0].bytes });
    }
    const [a, b] = Object.values(got);
    if (a.items !== b.items || a.bytes !== b.bytes) throw new Error(`${format}: the readers disagree: ${JSON.stringify(got)}`);
    const [r, p] = rows.slice(-2);
    console.log(`parse-${format} (${a.items} items, ${(a.bytes / 1e6).toFixed(1)} M units): ${line.join(' | ')} → Recur/peer ${(r.ms_median / p.ms_median).toFixed(2)}×`);
  }
  console.log(`merged into ${mergeResults(rows)}`);
}
