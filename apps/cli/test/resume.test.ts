/** Interrupt-and-resume gives exactly the weights of an uninterrupted run (same seed). */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetrics } from '../src/metrics.js';
import { cli, oneLineError, startCli, tempDir } from './helpers.js';

// Dropout > 0 so that the random stream must be restored too; 2 epochs so resume crosses an epoch.
const CONFIG = ['--limit', '700', '--test-limit', '100', '--epochs', '2', '--hidden', '16', '--embedding-dim', '16', '--dropout', '0.3', '--log-every', '4', '--no-baseline'];
const weights = (run: string, which = 'last') => readFileSync(join(run, 'checkpoints', which, 'model.safetensors'));
const optimizer = (run: string) => readFileSync(join(run, 'checkpoints', 'last', 'optimizer.safetensors'));

describe('resume', () => {
  const { dir, cleanup } = tempDir();
  const full = join(dir, 'full');
  beforeAll(async () => {
    const r = await cli('train', '--out', full, ...CONFIG);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(cleanup);

  it('stopping at --max-steps mid-epoch and resuming ends with identical weights, optimizer state and metrics', async () => {
    const part = join(dir, 'part');
    const a = await cli('train', '--out', part, ...CONFIG, '--max-steps', '7');
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toContain(`continue with: recur train --resume`);
    expect(JSON.parse(readFileSync(join(part, 'checkpoints/last/state.json'), 'utf8'))).toMatchObject({ step: 7, stepInEpoch: 7, epoch: 0, finished: false });
    const b = await cli('train', '--resume', part, '--max-steps', '30'); // into epoch 2 (20 steps per epoch)
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toContain('resuming');
    const c = await cli('train', '--resume', part);
    expect(c.code, c.stderr).toBe(0);
    expect(weights(part).equals(weights(full))).toBe(true);
    expect(weights(part, 'best').equals(weights(full, 'best'))).toBe(true);
    expect(optimizer(part).equals(optimizer(full))).toBe(true);
    const strip = (rows: ReturnType<typeof readMetrics>) => rows.map((r) => ({ ...r, seconds: 0, elapsed: 0, tokensPerSec: 0 }));
    expect(strip(readMetrics(join(part, 'metrics.jsonl')))).toEqual(strip(readMetrics(join(full, 'metrics.jsonl'))));
    const again = await cli('train', '--resume', part);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already finished 2 epoch(s)');
    const longer = await cli('train', '--resume', part, '--epochs', '3');
    expect(longer.code, longer.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(part, 'checkpoints/last/state.json'), 'utf8'))).toMatchObject({ epoch: 3, step: 60, finished: true });
  });

  it('SIGINT during training (real process) saves a resumable checkpoint, exits 130, and resume matches', async () => {
    const part = join(dir, 'sig');
    const child = startCli(['train', '--out', part, ...CONFIG, '--log-every', '1', '--json']);
    let out = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!sent && /"event":"step".*"step":3\b/.test(out)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const [code] = await once(child, 'exit');
    expect(err).toBe('');
    expect(sent).toBe(true);
    expect(code).toBe(130);
    const events = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ event: 'stopped', status: 'interrupted' });
    const state = JSON.parse(readFileSync(join(part, 'checkpoints/last/state.json'), 'utf8'));
    expect(state.finished).toBe(false);
    expect(state.step).toBeGreaterThanOrEqual(3);
    const r = await cli('train', '--resume', part);
    expect(r.code, r.stderr).toBe(0);
    expect(weights(part).equals(weights(full))).toBe(true);
  });

  it('refuses to change the configuration of a run on resume, and to overwrite a run', async () => {
    const r = await cli('train', '--resume', full, '--hidden', '8');
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toContain("'--hidden' cannot be changed");
    const o = await cli('train', '--out', full);
    expect(o.code).toBe(1);
    expect(oneLineError(o)).toMatch(/already holds a run \(use --resume .*full to continue it, or another --out\)/);
  });
});
