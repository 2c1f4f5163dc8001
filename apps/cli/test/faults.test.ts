/**
 * Fault injection: `recur train` is SIGKILLed at each phase of a run (reached deterministically
 * through RECUR_DEBUG_FAULT, see src/faults.ts); every checkpoint left behind loads, and
 * `--resume` ends with the same checkpoints, metrics and summary as an uninterrupted run.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCheckpointsLoad, expectSameRun, startChild, waitForStderr } from './fault-helpers.js';
import { cli, oneLineError, tempDir } from './helpers.js';

// 180 train texts / 32 = 6 steps per epoch, 2 epochs; 300 test texts = 3 final-eval batches of 128.
// Dropout so that the random stream must be restored; the baseline so that set-up writes a row.
const CONFIG = ['--limit', '200', '--test-limit', '300', '--epochs', '2', '--hidden', '8', '--embedding-dim', '8', '--dropout', '0.2', '--log-every', '2'];

const AGAIN = /has no usable checkpoint \(stopped before the first one was saved\); training it again from step 0/;
const EPOCH2 = /resuming .* at epoch 2 step 0 \(global step 6\)/;
const FINISH = /finished training but has no final result; running the final evaluation and writing the report/;

// phase → the checkpoints that must exist after the kill, and how --resume picks the run up
const PHASES: [string, string[], RegExp[]][] = [
  ['setup', [], [AGAIN]], // config, vocab, fingerprint, baseline written; no step yet
  ['step@3', [], [AGAIN]], // mid-epoch 1, before any checkpoint
  ['checkpoint-write:best@1', [], [AGAIN]], // first best: data files written, state.json not yet
  ['checkpoint-rename:best@1', [], [AGAIN]], // first best: between the renames
  ['checkpoint-write:last@1', ['best'], [/warning: no usable last checkpoint; resuming from .*checkpoints\/best \(epoch 1, step 6\)/, EPOCH2]], // best holds the same state
  ['step@9', ['best', 'last'], [EPOCH2]], // mid-epoch 2
  ['checkpoint-rename:last@2', ['best', '.last.old'], [EPOCH2]], // second last: old one moved aside, new one not in place
  ['final-eval@2', ['best', 'last'], [FINISH]], // during the final test evaluation
  ['report', ['best', 'last'], [FINISH]], // run.json written, report.html not yet
];

describe('fault injection: kill at each phase, then --resume', () => {
  const { dir, cleanup } = tempDir('recur-faults-');
  const ref = join(dir, 'ref');
  beforeAll(async () => {
    const r = await cli('train', '--out', ref, ...CONFIG);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(cleanup);

  it.each(PHASES)('SIGKILL at %s: checkpoints load, resume ends identical to the uninterrupted run', async (phase, expected, how) => {
    const run = join(dir, phase.replace(/[^a-z0-9]+/gi, '-'));
    const c = startChild(['train', '--out', run, ...CONFIG], { RECUR_DEBUG_FAULT: phase });
    const r = await c.done;
    expect(r.signal, `${phase}: ${r.stderr}`).toBe('SIGKILL');
    expect(expectCheckpointsLoad(run).sort()).toEqual([...expected].sort());
    const fresh = await cli('train', '--out', run, ...CONFIG);
    expect(oneLineError(fresh)).toContain('already holds a run (use --resume');
    const resumed = await cli('train', '--resume', run);
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    for (const re of how) expect(resumed.stdout).toMatch(re);
    expectSameRun(run, ref);
    expect(readdirSync(join(run, 'checkpoints')).sort()).toEqual(['best', 'last']);
    const again = await cli('train', '--resume', run);
    expect(again.stdout).toContain('already finished 2 epoch(s)');
  });

  it('Ctrl-C during the final evaluation stops it (exit 130, resumable), and --resume produces the result', async () => {
    const run = join(dir, 'sigint-final');
    const go = join(dir, 'go-final');
    const c = startChild(['train', '--out', run, ...CONFIG], { RECUR_DEBUG_PAUSE: 'final-eval@1', RECUR_DEBUG_PAUSE_FILE: go });
    await waitForStderr(c, 'paused at final-eval');
    c.child.kill('SIGINT');
    writeFileSync(go, '');
    const r = await c.done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toMatch(/interrupted by SIGINT during the final evaluation \(128 of 300 test texts\)/);
    expect(r.stdout).toContain(`finish with: recur train --resume`);
    const resumed = await cli('train', '--resume', run);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('running the final evaluation');
    expectSameRun(run, ref);
  });

  it('a second writer is refused while a run trains; a dead owner is taken over', async () => {
    const run = join(dir, 'owned');
    const go = join(dir, 'go-owned');
    const c = startChild(['train', '--out', run, ...CONFIG], { RECUR_DEBUG_PAUSE: 'step@2', RECUR_DEBUG_PAUSE_FILE: go });
    await waitForStderr(c, 'paused at step');
    const second = await cli('train', '--resume', run);
    expect(second.code).toBe(1);
    expect(oneLineError(second)).toMatch(new RegExp(`${run} is being written by process ${c.child.pid} \\(train, since .*\\); wait for it to end or stop it first`));
    c.child.kill('SIGKILL');
    writeFileSync(go, '');
    expect((await c.done).signal).toBe('SIGKILL');
    const resumed = await cli('train', '--resume', run);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectSameRun(run, ref);
  });

  it('a corrupt best checkpoint in a run stopped before its final result: the test uses last, with a warning', async () => {
    const run = join(dir, 'corrupt-best');
    const c = startChild(['train', '--out', run, ...CONFIG], { RECUR_DEBUG_FAULT: 'final-eval@1' });
    expect((await c.done).signal).toBe('SIGKILL');
    writeFileSync(join(run, 'checkpoints/best/model.safetensors'), 'garbage');
    const r = await cli('train', '--resume', run);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/warning: corrupt checkpoint .*best.*; the final test uses the last checkpoint instead/);
    expect(r.stdout).toMatch(/test accuracy \d+\.\d\d%/);
  });
});
