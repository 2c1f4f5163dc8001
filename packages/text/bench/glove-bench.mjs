// GloVe load benchmark: a synthetic 400,000 × 100 GloVe-format file (~330 MB, generated once into
// os.tmpdir()), a 25,000-word vocabulary (+2 specials), `loadVectors` timed in fresh child processes.
// Prints time and peak RSS and merges a row into <repo root>/bench-results.json.
// Run: pnpm --filter @recur/text bench   (compiles just the loader with bench/tsconfig.json into
// node_modules/.bench-build, so it does not depend on other packages building)
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const ROWS = 400_000;
const DIM = 100;
const VOCAB = 25_000;
const RUNS = 3;
const file = path.join(os.tmpdir(), `recur-glove-synthetic-${ROWS}x${DIM}.txt`);

/** Word for row i: distinct, with lengths like real GloVe words. */
const word = (i) => (i < 26 ? String.fromCharCode(97 + i) : `w${i.toString(36)}${'abcdefgh'.slice(0, i % 7)}`);

/** Vocabulary: 22,000 words spread over the file's ranks and 3,000 absent ones. */
function vocabWords() {
  const words = [];
  for (let i = 0; i < 22_000; i++) words.push(word(Math.floor((i * ROWS) / 22_000)));
  for (let i = 0; i < VOCAB - 22_000; i++) words.push(`zzmissing${i}`);
  return words;
}

function generate() {
  if (existsSync(file) && statSync(file).size > 300e6) return;
  console.log(`generating ${file} …`);
  let s = 0x12345678;
  const rnd = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  let buf = '';
  for (let i = 0; i < ROWS; i++) {
    let line = word(i);
    for (let k = 0; k < DIM; k++) line += ' ' + ((rnd() - 0.5) * 1.6).toFixed(5 + (k % 2));
    buf += line + '\n';
    if (buf.length > 1 << 22) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  renameSync(tmp, file);
}

async function measure() {
  const { Vocab } = await import('../node_modules/.bench-build/vocab.js');
  const { loadVectors } = await import('../node_modules/.bench-build/node/vectors.js');
  const vocab = new Vocab(['<unk>', '<pad>', ...vocabWords()], { specials: ['<unk>', '<pad>'] });
  const t0 = performance.now();
  const r = await loadVectors(file, vocab, { format: 'glove' });
  const ms = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, peak_rss_mb: peak, coverage: { exact: r.coverage.exact, missing: r.coverage.missing }, lines: r.stats.lines }) + '\n');
}

function mergeResult(row) {
  const out = path.join(repoRoot, 'bench-results.json');
  let rows = [];
  if (existsSync(out)) {
    try {
      rows = JSON.parse(readFileSync(out, 'utf8'));
      if (!Array.isArray(rows)) rows = [];
    } catch {
      rows = [];
    }
  }
  rows = rows.filter((r) => !(r.workload === row.workload && r.framework === row.framework));
  rows.push(row);
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(rows, null, 2) + '\n');
  renameSync(tmp, out);
  return out;
}

if (process.argv[2] === '--measure') {
  await measure();
} else {
  generate();
  const mb = statSync(file).size / 1e6;
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--measure'], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`measure run failed: ${child.stderr}`);
    runs.push(JSON.parse(child.stdout.trim().split('\n').pop()));
  }
  const times = runs.map((r) => r.ms).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const peak = Math.max(...runs.map((r) => r.peak_rss_mb));
  console.log(`glove-load: ${ROWS} × ${DIM} (${mb.toFixed(0)} MB), vocab ${VOCAB + 2}: median ${(median / 1000).toFixed(2)} s ` +
    `(runs ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s), peak RSS ${peak.toFixed(0)} MB, ` +
    `found ${runs[0].coverage.exact}, missing ${runs[0].coverage.missing}; target < 8 s`);
  const out = mergeResult({ workload: 'glove-load', framework: 'recur', backend: 'cpu', threads: 1, batch: null,
    ms_median: Math.round(median), tokens_per_s: null, peak_rss_mb: Math.round(peak) });
  console.log(`merged into ${out}`);
}
