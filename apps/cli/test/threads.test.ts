/** `recur train --threads N` (and $RECUR_THREADS): checked values, and the same training with 1 and 2 threads. */
import { join } from 'node:path';
import { getNumThreads, setNumThreads } from '@recur/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { readMetrics } from '../src/metrics.js';
import { cli, oneLineError, tempDir } from './helpers.js';

// hidden 64: each step's 32×192×64 product is large enough to be split between threads.
const SMALL = ['--limit', '200', '--test-limit', '50', '--epochs', '1', '--log-every', '2', '--hidden', '64', '--embedding-dim', '16', '--no-baseline'];

describe('--threads', () => {
  const { dir, cleanup } = tempDir();
  afterAll(() => {
    setNumThreads(1);
    delete process.env.RECUR_THREADS;
    cleanup();
  });

  it('rejects a count that is not an integer in [1, 64], from the flag or RECUR_THREADS', async () => {
    const r = await cli('train', '--threads', '0', '--out', join(dir, 'x'));
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe("recur: option '--threads' must be an integer in [1, 64], got '0' (see recur train --help)");
    process.env.RECUR_THREADS = 'two';
    const e = await cli('train', '--out', join(dir, 'y'));
    delete process.env.RECUR_THREADS;
    expect(e.code).toBe(2);
    expect(oneLineError(e)).toBe("recur: RECUR_THREADS must be an integer in [1, 64], got 'two' (see recur train --help)");
  });

  it('trains to the same losses with 1 and 2 threads', async () => {
    const one = await cli('train', '--out', join(dir, 'one'), ...SMALL);
    expect(one.stderr).toBe('');
    expect(one.stdout).toMatch(/^backend: cpu$/m);
    expect(getNumThreads()).toBe(1);
    const two = await cli('train', '--threads', '2', '--out', join(dir, 'two'), ...SMALL);
    expect(two.stderr).toBe('');
    expect(two.code).toBe(0);
    expect(two.stdout).toMatch(/^backend: cpu, 2 threads$/m);
    expect(getNumThreads()).toBe(2);
    const losses = (run: string) => readMetrics(join(dir, run, 'metrics.jsonl')).filter((r) => r.type === 'step').map((r) => r.loss);
    expect(losses('one').length).toBeGreaterThan(2);
    expect(losses('two')).toEqual(losses('one'));
  });
});
