/**
 * `pnpm bench [--only W1,W3] [--frameworks recur,tfjs] [--runs 5] [--rounds 1] [--w2-steps 6] [--threads 1,2] [--backend cpu,webgpu]`:
 * runs the workloads for Recur and the peers it can install (tfjs cpu and wasm, onnxruntime-node,
 * PyTorch via /usr/bin/python3 when it has torch, on OpenBLAS: blas.ts), each workload in its own
 * process with one thread, prints medians, peak RSS and each Recur row's time over the best peer's in
 * this run, and writes bench-results.json at the repository root. `--threads` lists Recur's thread counts (default 1); W2 also runs with 2 threads,
 * for the issue's two-thread target. Threaded training rows alternate their steps with one-thread
 * steps in the same process, and their speed-up is taken from those pairs (this host's speed drifts
 * by ±30 % over minutes, so runs minutes apart are not comparable).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { blasFromTorchConfig, classifyBlas, ensureOpenBlas, refusal, type BlasInfo } from './blas.js';
import { annotateRatios, combineRounds } from './ratios.js';
import { ALL, type Row } from './workloads.js';
import { printGpuTargets, printSummary, printTable, printTargets } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const argv = process.argv.slice(2);
const USAGE = `pnpm bench [--only W1,W3,glove] [--frameworks recur,tfjs,onnxruntime,pytorch] [--runs 5] [--rounds 1]
           [--w2-steps 6] [--threads 1,2] [--backend cpu,webgpu] [--tfjs-cpu-train]
Runs the workloads (W1–W5 and glove by default; W6, 14 GB, only when listed) for Recur and its peers in
one run, one thread each, and prints medians, peak RSS and Recur's time over the best peer's. See bench/README.md.`;
const OPTIONS = new Set(['only', 'frameworks', 'runs', 'rounds', 'w2-steps', 'threads', 'backend']);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
// A mistyped option must not start a 15-minute run with the defaults.
const FLAGS = new Set(['tfjs-cpu-train']);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (FLAGS.has(a.slice(2)) && a.startsWith('--')) continue;
  const name = a.startsWith('--') ? a.slice(2) : null;
  if (name === null || !OPTIONS.has(name)) throw new Error(`bench: unknown argument ${JSON.stringify(a)}\n${USAGE}`);
  if (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')) throw new Error(`bench: --${name} needs a value\n${USAGE}`);
  i++;
}
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
// W6 (14 GB for Recur) runs only when listed.
const only = opt('only', [...ALL.filter((w) => w !== 'W6'), 'glove'].join(',')).split(',').map((s) => s.trim()).filter(Boolean);
const runs = Math.max(5, Number(opt('runs', '5')));
const w2Steps = Number(opt('w2-steps', '6'));
// Rounds: every framework once per workload, repeated; rows give the median of the rounds' medians
// and each round's ratio, since other jobs on a shared host can swing one round's ratio by 2×.
const rounds = Math.max(1, Math.floor(Number(opt('rounds', '1'))) || 1);
const frameworks = opt('frameworks', 'recur,tfjs,onnxruntime,pytorch').split(',');
const threadCounts = [...new Set(opt('threads', '1').split(',').map((s) => Number(s.trim())))];
if (threadCounts.some((t) => !Number.isInteger(t) || t < 1 || t > 64)) throw new Error(`bench: --threads takes integers from 1 to 64, got ${opt('threads', '1')}`);
const backends = opt('backend', 'cpu').split(',').map((s) => s.trim());
if (backends.some((b) => b !== 'cpu' && b !== 'webgpu')) throw new Error(`bench: --backend takes cpu, webgpu or cpu,webgpu, got ${opt('backend', 'cpu')}`);
// --backend webgpu alone runs Recur's WebGPU rows only; cpu (the default) runs the CPU table and its peers.
const on = (f: string) => backends.includes('cpu') && frameworks.includes(f);
const unknown = only.filter((w) => !(ALL as readonly string[]).includes(w) && w !== 'glove');
if (unknown.length) throw new Error(`bench: unknown workload(s) ${unknown.join(', ')}; choose from ${ALL.join(', ')}, glove`);
const wl = (ids: readonly string[]) => only.filter((w) => ids.includes(w));

// One thread everywhere: OpenMP and OpenBLAS both pinned (two of each on two cores is erratic).
const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
const notes: string[] = [];

/**
 * The Vulkan driver for the WebGPU child: VK_ICD_FILENAMES as given; else the system's drivers when
 * an NVIDIA ICD is installed; else SwiftShader (Debian chromium's), the CPU emulation the tests use.
 */
function vulkanIcd(): { env: NodeJS.ProcessEnv; note?: string } {
  if (process.env.VK_ICD_FILENAMES) return { env, note: `webgpu: VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES}` };
  const nvidia = ['/usr/share/vulkan/icd.d/nvidia_icd.json', '/etc/vulkan/icd.d/nvidia_icd.json'].find((f) => existsSync(f));
  if (nvidia) return { env, note: `webgpu: system Vulkan drivers (${nvidia} present)` };
  const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (existsSync(swiftshader)) {
    return { env: { ...env, VK_ICD_FILENAMES: swiftshader }, note: 'webgpu: no NVIDIA Vulkan driver here, so SwiftShader (a CPU emulating a GPU): times are not GPU times; the dispatch and byte counts are the design\'s' };
  }
  return { env, note: 'webgpu: system Vulkan drivers (no NVIDIA ICD and no SwiftShader found)' };
}

function node(framework: string, backend: string, workloads: string[], nThreads = 1, childEnv: NodeJS.ProcessEnv = env): Row[] {
  if (workloads.length === 0) return [];
  console.error(`\n▶ ${framework} (${backend}, ${nThreads} thread${nThreads > 1 ? 's' : ''}): ${workloads.join(', ')}`);
  // Recur turns on relaxed SIMD (FMA) itself in Node 20; RECUR_WASM_RELAXED=0 in the environment compares without.
  const args = ['--conditions=@recur/source', '--import', 'tsx', path.join(here, 'child.ts'), framework, backend, workloads.join(','), String(runs), String(nThreads), String(w2Steps)];
  const r = spawnSync(process.execPath, args, { cwd: here, env: { XDG_RUNTIME_DIR: '/tmp', ...childEnv }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  if (r.status !== 0) notes.push(`${framework}/${backend} exited with ${r.status ?? r.signal}`);
  return parseRows(r.stdout ?? '');
}

function parseRows(out: string): Row[] {
  for (const l of out.split('\n')) if (l.startsWith('NOTE ')) notes.push(l.slice(5));
  return out.split('\n').filter((l) => l.startsWith('ROW ') || l.startsWith('{')).map((l) => JSON.parse(l.replace(/^ROW /, '')) as Row);
}

const py = '/usr/bin/python3';

/**
 * PyTorch's BLAS, made honest first (blas.ts): OpenBLAS installed where apt and root allow, then the
 * library that actually gives torch its sgemm_. Undefined (with a note saying why) refuses the column.
 */
function pytorchBlas(): BlasInfo | undefined {
  const probe = existsSync(py) ? spawnSync(py, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', env }) : null;
  if (!probe || probe.status !== 0) {
    notes.push('pytorch: skipped (/usr/bin/python3 has no torch)');
    return undefined;
  }
  const sys = ensureOpenBlas();
  notes.push(...sys.notes);
  if (sys.refuse) { notes.push(`pytorch: column refused: ${sys.refuse}`); return undefined; }
  const out = spawnSync(py, [path.join(here, 'torch_bench.py'), 'blas'], { env, encoding: 'utf8' }).stdout ?? '';
  const line = out.split('\n').find((l) => l.startsWith('BLAS '));
  if (!line) { notes.push('pytorch: column refused: the BLAS probe (torch_bench.py blas) printed nothing'); return undefined; }
  const seen = JSON.parse(line.slice(5)) as { config: string; library: string; openblas_config: string | null };
  const info: BlasInfo = { build: blasFromTorchConfig(seen.config), library: seen.library, kind: classifyBlas(seen.library, seen.openblas_config ?? undefined), alternative: sys.alternative };
  if (seen.openblas_config) info.openblas_config = seen.openblas_config;
  const why = refusal(info);
  if (why) { notes.push(`pytorch: column refused: ${why}`); return undefined; }
  console.error(`\n▶ pytorch ${probe.stdout.trim()} on ${info.kind} (${info.library})`);
  return info;
}

function pytorch(workloads: string[], blas: BlasInfo): Row[] {
  if (workloads.length === 0) return [];
  console.error(`\n▶ pytorch (1 thread): ${workloads.join(', ')}`);
  const r = spawnSync(py, [path.join(here, 'torch_bench.py'), workloads.join(','), String(runs)], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) notes.push(`pytorch exited with ${r.status}`);
  return parseRows(r.stdout ?? '').map((row) => ({ ...row, blas }));
}

/**
 * How much this machine gives a second thread at all: GFLOP/s of a single-thread product loop
 * alone, then of two such loops in separate processes at once, alternated over a few rounds (a
 * shared VM host's speed drifts; on this one a second core is often worth well under 2×).
 */
function scalingProbe(rounds = 3, seconds = 4): { note: string; median?: number } {
  const args = ['--conditions=@recur/source', '--import', 'tsx', path.join(here, 'child.ts'), 'probe', String(seconds), 'x', '1', '1', '0'];
  const rates = (out: string) => [...out.matchAll(/PROBE (\S+)/g)].map((m) => Number(m[1]));
  const script = `const { spawn } = require('node:child_process'); const out = ['', ''];
    const ps = [0, 1].map((i) => { const p = spawn(process.execPath, ${JSON.stringify(args)}, { cwd: ${JSON.stringify(here)} }); p.stdout.on('data', (d) => { out[i] += d; }); return p; });
    let left = 2; for (const p of ps) p.on('exit', () => { if (--left === 0) console.log(out.join('')); });`;
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const [solo] = rates(spawnSync(process.execPath, args, { cwd: here, env, encoding: 'utf8' }).stdout ?? '');
    const pair = rates(spawnSync(process.execPath, ['-e', script], { cwd: here, env, encoding: 'utf8' }).stdout ?? '');
    if (solo && pair.length === 2) ratios.push((pair[0]! + pair[1]!) / solo);
  }
  if (ratios.length === 0) return { note: 'machine scaling probe failed' };
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1]!;
  return { median, note: `machine scaling: two single-thread product loops in separate processes ran ${sorted.map((x) => x.toFixed(2)).join(', ')}× one alone `
    + `(${rounds} alternating rounds; median ${median.toFixed(2)}×): the room any two-thread speed-up in this run had` };
}

const raw: Row[][] = Array.from({ length: rounds }, () => []);
let probe: number | undefined;
if (on('recur') && (threadCounts.includes(2) || only.includes('W2'))) {
  console.error('\n▶ machine two-core scaling probe (3 rounds × 8 s)');
  const p = scalingProbe();
  notes.push(p.note);
  probe = p.median;
}
// tfjs-cpu training grew past 24 GB RSS within a few W1 steps here (the machine has 23 GB), so it
// runs only with --tfjs-cpu-train; the issue's figures for it are 4.2 s (W1) and 5.5 s (W4).
const tfjsCpuTrain = argv.includes('--tfjs-cpu-train');
if (on('tfjs') && !tfjsCpuTrain && wl(['W1', 'W4']).length) notes.push('tfjs-cpu: W1/W4 not run (memory grows past 24 GB; pass --tfjs-cpu-train to try)');
if (on('tfjs') && only.includes('W2')) notes.push('tfjs: W2 not run (tfjs-cpu needs ~280 s per step; tfjs-wasm aborts on this model)');
const blas = on('pytorch') && wl([...ALL]).length ? pytorchBlas() : undefined;
// Workload by workload, each framework right after the other: this host's speed drifts over minutes,
// so a ratio is fairest between runs seconds apart. One process per workload and framework, so each
// row's peak RSS (ru_maxrss of its process) is that workload's alone: within one process a peak can
// only grow, and deltas would hide a smaller later workload.
for (const w of wl(['W5', 'W3', 'W1', 'W4', 'W2', 'W6'])) for (const rows of raw) {
  // Recur with each --threads count (its WebAssembly kernels' worker threads), and W2 with 2 threads in
  // any case: the issue's target is the two-thread speed-up. The peers run with one thread.
  if (on('recur')) for (const t of threadCounts) rows.push(...node('recur', 'cpu', [w], t));
  if (on('recur') && w === 'W2' && !threadCounts.includes(2)) rows.push(...node('recur', 'cpu', [w], 2));
  if (on('tfjs') && ['W5', 'W3', 'W1', 'W4'].includes(w)) rows.push(...node('tfjs', 'wasm', [w]));
  if (on('tfjs') && (tfjsCpuTrain ? ['W5', 'W3', 'W1', 'W4'] : ['W5', 'W3']).includes(w)) rows.push(...node('tfjs', 'cpu', [w]));
  if (on('onnxruntime') && w === 'W3') rows.push(...node('onnxruntime', 'cpu', [w]));
  if (blas) rows.push(...pytorch([w], blas));
}
const rows = combineRounds(raw);
annotateRatios(rows, raw); // before the merge: ratios only within this run

// WebGPU: W3, W1, W4 by default; W2 only when --only lists it (minutes per step on SwiftShader).
const explicitOnly = argv.includes('--only');
if (backends.includes('webgpu')) {
  const list = wl(explicitOnly ? ['W3', 'W1', 'W4', 'W2'] : ['W3', 'W1', 'W4']);
  const icd = vulkanIcd();
  if (icd.note) notes.push(icd.note);
  rows.push(...node('recur', 'webgpu', list, 1, icd.env));
}

// Merge: replace rows of the same (workload, framework, backend, threads, batch), keep the rest
// (the GloVe row written by @recur/text's bench, earlier subsets).
const file = path.join(root, 'bench-results.json');
const same = (a: Row, b: Row) => a.workload === b.workload && a.framework === b.framework && a.backend === b.backend && a.threads === b.threads && a.batch === b.batch;
const old: Row[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
const merged = [...old.filter((o) => !rows.some((r) => same(o, r))), ...rows];
writeFileSync(file + '.tmp', JSON.stringify(merged, null, 2) + '\n');
renameSync(file + '.tmp', file);

if (only.includes('glove')) {
  console.error('\n▶ GloVe load (@recur/text bench)');
  const r = spawnSync('pnpm', ['--filter', '@recur/text', 'bench'], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) notes.push(`glove: @recur/text bench exited with ${r.status}`);
}

printTable(rows);
printSummary(rows);
if (blas) console.log(`\npytorch BLAS: ${blas.kind} — sgemm_ from ${blas.library}${blas.openblas_config ? ` (${blas.openblas_config})` : ''}; build: ${blas.build}${blas.alternative ? `; ${blas.alternative}` : ''}`);
if (backends.includes('cpu')) printTargets(rows, probe);
printGpuTargets(rows);
for (const n of new Set(notes)) console.log(`note: ${n}`); // rounds repeat the same notes
console.log(`\nwrote ${path.relative(process.cwd(), file) || file}`);
