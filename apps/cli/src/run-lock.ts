/**
 * Run-directory ownership. A new run gets a directory created with one `mkdir` (atomic: of two
 * processes asking for the same name, one gets EEXIST and takes the next name), and every process
 * that writes a run — a new one or `--resume` — first creates `owner.json` in it with exclusive
 * create (`O_EXCL`), recording its pid, host, start time and command. A second writer finds the
 * record, sees that the process is alive, and is refused; a record left by a killed process is
 * taken over. The record is removed when the writer ends.
 */
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors.js';

export const OWNER_FILE = 'owner.json';

export interface OwnerRecord {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Creates a new, unique run directory `<parent>/<timestamp>` (then `-2`, `-3`, … when taken) and
 * returns its path; no other process can get the same directory.
 *
 * @example
 * const dir = createUniqueRunDir('runs'); // runs/20261204-145532 or runs/20261204-145532-2
 */
export function createUniqueRunDir(parent: string, now = new Date()): string {
  mkdirSync(parent, { recursive: true });
  const base = join(parent, timestamp(now));
  for (let i = 1; i < 10_000; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new CliError(`could not create a new run directory under ${parent} (10,000 names taken); pass --out DIR`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): OwnerRecord | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as OwnerRecord;
    return Number.isInteger(o?.pid) && typeof o.host === 'string' ? o : null;
  } catch {
    return null; // missing, or cut short by a crash while it was written
  }
}

/**
 * Publishes the owner record: written in full to a temp file, then hard-linked to its name, which
 * fails with EEXIST when a record exists; readers never see a half-written record.
 */
function tryCreate(path: string, rec: OwnerRecord): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(rec)}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Makes this process the only writer of `dir`; returns the function that gives the run up again.
 * Throws a one-line error naming the owner when another live process holds the run.
 *
 * @example
 * const release = claimRun(runDir, 'train');
 * try { … } finally { release(); }
 */
export function claimRun(dir: string, command: string): () => void {
  const path = join(dir, OWNER_FILE);
  const rec: OwnerRecord = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path, rec)) {
      return () => {
        if (readOwner(path)?.pid === rec.pid) rmSync(path, { force: true });
      };
    }
    const owner = readOwner(path);
    if (owner && owner.host !== rec.host) {
      throw new CliError(`${dir} is being written by process ${owner.pid} on ${owner.host} (since ${owner.startedAt}); if that process is gone, delete ${path}`);
    }
    if (owner && alive(owner.pid)) {
      throw new CliError(`${dir} is being written by process ${owner.pid} (${owner.command}, since ${owner.startedAt}); wait for it to end or stop it first (if no recur runs as ${owner.pid}, delete ${path})`);
    }
    // Left by a process that no longer runs: move it aside (only one taker's rename succeeds), retry.
    try {
      renameSync(path, `${path}.stale-${process.pid}`);
      rmSync(`${path}.stale-${process.pid}`, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new CliError(`could not take ownership of ${dir} (${path} keeps changing); is another recur writing it?`);
}
