/** End to end on the built-in corpus: train → run directory → eval, predict, info. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memory } from '@recur/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetrics } from '../src/metrics.js';
import { cli, cliProcess, tempDir } from './helpers.js';

const SMALL = ['--limit', '600', '--test-limit', '300', '--epochs', '2', '--log-every', '5', '--hidden', '16', '--embedding-dim', '16'];

describe('recur train on the built-in corpus', () => {
  const { dir, cleanup } = tempDir();
  const run = join(dir, 'run');
  let trained: Awaited<ReturnType<typeof cli>>;
  let tensorsBefore = 0;
  beforeAll(async () => {
    tensorsBefore = memory().tensors;
    trained = await cli('train', '--out', run, ...SMALL);
  });
  afterAll(cleanup);

  it('trains, reports the held-out accuracy next to the bag-of-words baseline, and frees every tensor', () => {
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/baseline: bag-of-words logistic regression test accuracy \d+\.\d\d%/);
    expect(trained.stdout).toMatch(/test accuracy \d+\.\d\d% \(loss [\d.]+, 300 texts, built-in test\) \| bag-of-words baseline/);
    expect(trained.stdout).toMatch(/epoch 2 done in/);
    expect(memory().tensors).toBe(tensorsBefore);
  });

  it('writes the run directory: config, vocab, checkpoints, metrics log, report', () => {
    for (const f of ['config.json', 'vocab.json', 'metrics.jsonl', 'run.json', 'report.html', 'checkpoints/best/model.safetensors', 'checkpoints/best/optimizer.safetensors', 'checkpoints/last/state.json']) {
      expect(existsSync(join(run, f)), f).toBe(true);
    }
    const rows = readMetrics(join(run, 'metrics.jsonl'));
    const steps = rows.filter((r) => r.type === 'step');
    const epochs = rows.filter((r) => r.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(steps.length).toBeGreaterThanOrEqual(6); // 17 steps per epoch, a row every 5 and at each epoch end
    expect(rows.filter((r) => r.type === 'baseline')).toHaveLength(1);
    const test = rows.find((r) => r.type === 'test');
    expect(test?.type === 'test' && test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(300);
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).toContain('Confusion matrix');
    expect(html).toContain('<svg');
    const state = JSON.parse(readFileSync(join(run, 'checkpoints/last/state.json'), 'utf8'));
    expect(state).toMatchObject({ finished: true, epoch: 2, step: 34 });
  });

  it('eval prints accuracy, loss and the confusion matrix; matches the test row', async () => {
    const r = await cli('eval', run, '--json');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    const test = readMetrics(join(run, 'metrics.jsonl')).find((x) => x.type === 'test')!;
    expect(o.count).toBe(2000);
    expect(o.acc).toBeGreaterThan(0.5);
    expect(test.type === 'test' && test.count).toBe(300);
    const text = await cli('eval', run, '--limit', '300');
    expect(text.stdout).toMatch(/accuracy: \d+\.\d\d%\nloss: [\d.]+\nconfusion matrix/);
    expect(text.stdout).toContain('true pos');
    const hit = /accuracy: ([\d.]+)%/.exec(text.stdout)![1];
    expect(Number(hit) / 100).toBeCloseTo(test.type === 'test' ? test.acc : -1, 4); // same 300 texts, same best checkpoint
  });

  it('predict prints a probability and label per text, from arguments and from stdin (through bin/recur.mjs)', async () => {
    const r = await cli('predict', run, 'the plot was not good .', 'the film was great .');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/^[01]\.\d{4}\t(positive|negative)\t/);
    const p = cliProcess(['predict', run, '--json'], { input: 'the film was great .\n\nthe acting was awful .\n' });
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    const objs = p.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(objs.map((o) => o.text)).toEqual(['the film was great .', 'the acting was awful .']);
    for (const o of objs) expect(o.label).toBe(o.probability >= 0.5 ? 'positive' : 'negative');
  });

  it('info shows the architecture and parameter count of a run and of the seed preset', async () => {
    const r = await cli('info', run);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('SentimentRNN(');
    expect(r.stdout).toMatch(/trainable parameters: [\d,]+/);
    const seed = await cli('info', '--preset', 'seed', '--json');
    expect(JSON.parse(seed.stdout)).toMatchObject({ parameters: 4_810_857, vocabSize: 25_002, architecture: 'biLSTM 2x256, embedding 100, dropout 0.5' });
  });
});
