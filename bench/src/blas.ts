/**
 * Which BLAS the PyTorch peer runs on (issue 18, "honest peers"). Debian's `python3-torch` links
 * `libblas.so.3`, an alternative that is the reference (netlib) BLAS unless an optimised one is
 * installed: timed on netlib, PyTorch looks several times slower than the PyTorch users have, which flatters
 * Recur. So the bench installs `libopenblas0-pthread` where it can (root + apt; installing it switches
 * the alternative), and refuses the PyTorch column when PyTorch would still run on the reference BLAS.
 *
 * The parsers are pure (tested in blas.test.ts); `ensureOpenBlas` runs dpkg / apt.
 */
import { spawnSync } from 'node:child_process';

/** What the PyTorch process reported about its BLAS (`torch_bench.py blas`), plus what the bench decided. */
export interface BlasInfo {
  /** From `torch.__config__.show()`: the build's BLAS settings, e.g. `BLAS_INFO=generic, LAPACK_INFO=generic`. */
  build: string;
  /** The file that provides `sgemm_` to libtorch_cpu at run time (dladdr), symlinks resolved. */
  library: string;
  /** `openblas_get_config()` when OpenBLAS is loaded: version and the kernel set it picked (e.g. Haswell). */
  openblas_config?: string;
  kind: BlasKind;
  /** Debian's `libblas.so.3` alternative (`update-alternatives --query`): status and value. */
  alternative?: string;
}

export type BlasKind = 'openblas' | 'mkl' | 'blis' | 'atlas' | 'flexiblas' | 'reference' | 'unknown';

/** The BLAS lines of `torch.__config__.show()`: `BLAS_INFO=…, LAPACK_INFO=…` and any MKL/OpenBLAS line. */
export function blasFromTorchConfig(show: string): string {
  const parts: string[] = [];
  for (const key of ['BLAS_INFO', 'LAPACK_INFO']) {
    const m = show.match(new RegExp(`\\b${key}=([^,\\s]+)`));
    if (m) parts.push(`${key}=${m[1]}`);
  }
  // pip wheels name the library on a line of its own ("- Intel(R) Math Kernel Library Version …").
  for (const line of show.split('\n')) {
    const t = line.trim().replace(/^-\s*/, '');
    if (/math kernel library|openblas|\bblis\b/i.test(t) && !t.includes('BLAS_INFO=')) parts.push(t);
  }
  return parts.length ? parts.join(', ') : 'no BLAS line in torch.__config__.show()';
}

/** Which BLAS a library path (and OpenBLAS's own config string, if any) is. */
export function classifyBlas(library: string, openblasConfig?: string): BlasKind {
  const p = library.toLowerCase();
  if (/openblas/.test(p)) return 'openblas';
  if (/mkl/.test(p)) return 'mkl';
  if (/blis/.test(p)) return 'blis';
  if (/atlas/.test(p)) return 'atlas';
  if (/flexiblas/.test(p)) return 'flexiblas';
  // Debian's reference BLAS (libblas3) lives in <libdir>/blas/; a bare libblas.so elsewhere is netlib too.
  if (/\/blas\/libblas\.so/.test(p) || /(^|\/)libblas\.so(\.\d+)*$/.test(p)) return 'reference';
  // The path first: OpenBLAS can be loaded beside a netlib libblas.so.3 that still serves sgemm_.
  return /^openblas/i.test(openblasConfig ?? '') ? 'openblas' : 'unknown';
}

/** `update-alternatives --query` output → `auto → /usr/lib/…/openblas-pthread/libblas.so.3` (undefined if no Value line). */
export function parseAlternative(query: string): { status?: string; value?: string } {
  const field = (k: string) => query.match(new RegExp(`^${k}: (.+)$`, 'm'))?.[1]?.trim();
  return { status: field('Status'), value: field('Value') };
}

/** Why the PyTorch column must not run on this BLAS, or undefined when it may. */
export function refusal(info: Pick<BlasInfo, 'kind' | 'library'>): string | undefined {
  if (info.kind !== 'reference') return undefined;
  return `PyTorch would run on the reference (netlib) BLAS (${info.library}), which would flatter Recur several-fold: `
    + 'install libopenblas0-pthread (apt-get, as root; it switches Debian\'s libblas.so.3), or if it is installed, '
    + 'see what serves libblas.so.3 here (update-alternatives --query, LD_LIBRARY_PATH)';
}

const sh = (cmd: string, args: string[], env?: NodeJS.ProcessEnv) => spawnSync(cmd, args, { encoding: 'utf8', env: env ?? process.env });
const has = (cmd: string) => sh('sh', ['-c', `command -v ${cmd}`]).status === 0;

/**
 * On Debian-like systems: installs libopenblas0-pthread if missing (root and apt-get only; checked with
 * dpkg-query first, so a machine that has it is not touched), then reads the libblas.so.3 alternative.
 * Returns notes for the report and a refusal reason when OpenBLAS could not be put in place; elsewhere
 * it does nothing and the run-time probe alone decides.
 */
export function ensureOpenBlas(): { notes: string[]; alternative?: string; refuse?: string } {
  const notes: string[] = [];
  if (process.platform !== 'linux' || !has('dpkg-query')) return { notes: ['blas: not a dpkg system; PyTorch\'s BLAS is judged from the library it loads'] };
  const installed = () => sh('dpkg-query', ['-W', '-f=${Status}', 'libopenblas0-pthread']).stdout?.includes('install ok installed') ?? false;
  if (!installed()) {
    if (process.getuid?.() !== 0 || !has('apt-get')) {
      return { notes, refuse: 'libopenblas0-pthread is not installed and this process cannot install it (needs root and apt-get): PyTorch on the reference BLAS would flatter Recur' };
    }
    console.error('\n▶ apt-get install libopenblas0-pthread (PyTorch\'s libblas.so.3 would otherwise be the reference BLAS)');
    const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'libopenblas0-pthread'], { stdio: ['ignore', 'inherit', 'inherit'], env: aptEnv }).status === 0;
    // The package lists may be missing or stale on a fresh machine: update once, then retry.
    if (!install()) { spawnSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'], env: aptEnv }); install(); }
    if (!installed()) return { notes, refuse: 'apt-get install libopenblas0-pthread failed: PyTorch on the reference BLAS would flatter Recur' };
    notes.push('blas: installed libopenblas0-pthread this run');
  }
  const name = (sh('update-alternatives', ['--get-selections']).stdout ?? '').split('\n').map((l) => l.split(/\s+/)[0]!).find((n) => /^libblas\.so\.3(-|$)/.test(n));
  if (!name) return { notes };
  const { status, value } = parseAlternative(sh('update-alternatives', ['--query', name]).stdout ?? '');
  const alternative = `${name}: ${status ?? '?'} → ${value ?? '?'}`;
  if (value && classifyBlas(value) === 'reference') {
    // Set by hand to netlib: the user's choice, so the bench does not override it, but it will not time it either.
    return { notes, alternative, refuse: `${name} points at the reference BLAS (${status} mode): run update-alternatives --auto ${name}; PyTorch on the reference BLAS would flatter Recur` };
  }
  return { notes, alternative };
}
