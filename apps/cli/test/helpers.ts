/** Test helpers: run the CLI in-process (captured output) or through bin/recur.mjs as a child process. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/main.js';

export const BIN = fileURLToPath(new URL('../bin/recur.mjs', import.meta.url));
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const DATA_DIR = process.env.RECUR_DATA ?? resolve(REPO_ROOT, '../shared/data');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `recur argv…` in this process, capturing stdout/stderr. */
export async function cli(...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await runCli(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

/** Runs the real entry point (`node bin/recur.mjs …`) and waits for it. */
export function cliProcess(argv: string[], opts: { input?: string; cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8', input: opts.input ?? '', cwd: opts.cwd ?? REPO_ROOT, timeout: 120_000, env: { ...process.env, ...opts.env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the real entry point without waiting. */
export function startCli(argv: string[]) {
  return spawn(process.execPath, [BIN, ...argv], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(prefix = 'recur-cli-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Asserts the one-line error contract: exactly one non-empty stderr line, starting with `recur: `, no stack. */
export function oneLineError(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1 || !lines[0]!.startsWith('recur: ') || /\n\s+at /.test(r.stderr)) {
    throw new Error(`expected one 'recur: …' line on stderr, got:\n${r.stderr}`);
  }
  return lines[0]!;
}
