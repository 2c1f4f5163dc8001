/** Run directories: unique and atomic without --out, one writer at a time, nothing left by a failed set-up. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMetrics } from '../src/metrics.js';
import { claimRun, createUniqueRunDir } from '../src/run-lock.js';
import { startChild } from './fault-helpers.js';
import { cli, oneLineError, tempDir } from './helpers.js';

const TINY = ['--limit', '100', '--test-limit', '20', '--epochs', '1', '--hidden', '4', '--embedding-dim', '4', '--no-baseline'];

describe('run directories', () => {
  const { dir, cleanup } = tempDir('recur-rundirs-');
  afterAll(cleanup);

  it('two runs asking for a directory in the same second get two directories', () => {
    const now = new Date('2026-12-04T15:00:00Z');
    const a = createUniqueRunDir(join(dir, 'runs'), now);
    const b = createUniqueRunDir(join(dir, 'runs'), now);
    expect(a).toBe(join(dir, 'runs', '20261204-150000'));
    expect(b).toBe(join(dir, 'runs', '20261204-150000-2'));
  });

  it('parallel `recur train` without --out (real processes, same working directory) keep separate runs', async () => {
    const cwd = join(dir, 'sweep');
    mkdirSync(cwd);
    const children = ['0.01', '0.02', '0.03'].map((lr) => startChild(['train', ...TINY, '--lr', lr], {}, cwd));
    const results = await Promise.all(children.map((c) => c.done));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const runs = readdirSync(join(cwd, 'runs'));
    expect(runs).toHaveLength(3);
    const lrs = runs.map((r) => JSON.parse(readFileSync(join(cwd, 'runs', r, 'config.json'), 'utf8')).lr as number).sort();
    expect(lrs).toEqual([0.01, 0.02, 0.03]);
    for (const r of runs) {
      const epochs = readMetrics(join(cwd, 'runs', r, 'metrics.jsonl')).filter((x) => x.type === 'epoch');
      expect(epochs.map((e) => e.epoch)).toEqual([1]);
    }
  });

  it('a second writer of the same run is refused; the record goes when the writer ends', () => {
    const run = join(dir, 'lock');
    mkdirSync(run);
    const release = claimRun(run, 'train');
    const rec = JSON.parse(readFileSync(join(run, 'owner.json'), 'utf8'));
    expect(rec).toMatchObject({ pid: process.pid, command: 'train' });
    expect(() => claimRun(run, 'train --resume')).toThrow(new RegExp(`is being written by process ${process.pid} \\(train, since`));
    release();
    expect(existsSync(join(run, 'owner.json'))).toBe(false);
    writeFileSync(join(run, 'owner.json'), JSON.stringify({ pid: 2 ** 22 + 12345, host: rec.host, startedAt: 'x', command: 'train' })); // no such process
    claimRun(run, 'train')();
  });

  it('a run killed before config.json: --resume says to start it again with --out, which takes over the dead owner', async () => {
    const run = join(dir, 'early');
    mkdirSync(run);
    writeFileSync(join(run, 'owner.json'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), startedAt: 'x', command: 'train' })); // a dead process
    expect(oneLineError(await cli('train', '--resume', run))).toBe(`recur: ${run} is not a recur run (no config.json; a \`recur train\` stopped before writing it can be started again with --out ${run})`);
    const r = await cli('train', '--out', run, ...TINY);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(run, 'owner.json'))).toBe(false);
  });

  it('a set-up that fails leaves no directory behind; a non-run directory is named as such', async () => {
    const out = join(dir, 'failed');
    const glove = join(dir, 'glove-dir');
    mkdirSync(glove);
    const r = await cli('train', '--out', out, ...TINY, '--glove', glove);
    expect(oneLineError(r)).toBe(`recur: --glove ${glove} is a directory; pass a vectors file inside it (.txt, .bin, .vec or .zip)`);
    expect(existsSync(out)).toBe(false);
    const bad = join(dir, 'bad-vectors.txt');
    writeFileSync(bad, 'the 0.1 0.2\n');
    const d = await cli('train', '--out', out, ...TINY, '--glove', bad);
    expect(oneLineError(d)).toContain('have dimension 2');
    expect(existsSync(out)).toBe(false);
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    expect(oneLineError(await cli('train', '--out', other, ...TINY))).toBe(`recur: run directory ${other} exists and is not empty (it holds notes.txt, not a recur run); choose another --out`);
    expect(readdirSync(other)).toEqual(['notes.txt']);
  });
});
