/** Inputs that used to pass silently or fail with a raw message: each is now one line with the cause and the way out. */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, oneLineError, tempDir } from './helpers.js';

const TINY = ['--limit', '100', '--test-limit', '20', '--epochs', '1', '--hidden', '4', '--embedding-dim', '4', '--no-baseline'];

function csv(path: string, n: number, label: (i: number) => number): void {
  const rows = ['text,label'];
  for (let i = 0; i < n; i++) rows.push(`"text number ${i} is ${label(i) ? 'good' : 'bad'}",${label(i)}`);
  writeFileSync(path, `${rows.join('\n')}\n`);
}

describe('configuration and data checks', () => {
  const { dir, cleanup } = tempDir('recur-checks-');
  afterAll(cleanup);

  it('negative numbers are values, typos get a suggestion, `recur help train` is the help', async () => {
    const h = await cli('train', '--hidden', '-3');
    expect(h.code).toBe(2);
    expect(oneLineError(h)).toBe("recur: option '--hidden' must be an integer >= 1, got '-3' (see recur train --help)");
    expect(oneLineError(await cli('train', '--hiden', '8'))).toBe("recur: unknown option '--hiden' (did you mean --hidden? see recur train --help)");
    const help = await cli('help', 'train');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: recur train');
    expect(help.stdout).toContain('--allow-data-change');
  });

  it('a zero learning rate, single-class data and a model too large for memory are refused before any work', async () => {
    const lr = await cli('train', '--out', join(dir, 'lr'), ...TINY, '--lr', '0');
    expect(lr.code).toBe(2);
    expect(oneLineError(lr)).toMatch(/^recur: option '--lr' must be > 0, got '0'/);
    const one = join(dir, 'one.csv');
    csv(one, 30, () => 1);
    expect(oneLineError(await cli('train', '--out', join(dir, 'one'), '--data', one, '--no-baseline'))).toBe(
      `recur: ${one}: every training example has label 1; a classifier needs examples of both classes (check the label column, or --limit, which keeps the first N rows)`,
    );
    const big = await cli('train', '--out', join(dir, 'big'), ...TINY, '--hidden', '100000');
    expect(big.code).toBe(2);
    expect(oneLineError(big)).toMatch(/^recur: the model would have [\d,]+ parameters \(~[\d.]+ GiB with gradients and optimizer state\), more than this machine's [\d.]+ GiB; lower --hidden/);
  });

  it('resume refuses data that changed since the run started, unless --allow-data-change', async () => {
    const data = join(dir, 'data.csv');
    csv(data, 80, (i) => i % 2);
    const run = join(dir, 'fp');
    const a = await cli('train', '--out', run, '--data', data, '--epochs', '2', '--hidden', '4', '--embedding-dim', '4', '--batch-size', '8', '--max-steps', '3', '--no-baseline');
    expect(a.code, a.stderr).toBe(0);
    writeFileSync(data, readFileSync(data, 'utf8').replace('"text number 0 is bad",0', '"text number 0 is bad",1')); // one label flipped
    const changed = await cli('train', '--resume', run);
    expect(changed.code).toBe(1);
    expect(oneLineError(changed)).toBe(
      `recur: cannot resume ${run}: the data changed (same counts, different texts or labels) since the run started, so it would not continue the same run; restore them, or pass --allow-data-change to continue anyway`,
    );
    appendFileSync(data, '"one more review",0\n');
    expect(oneLineError(await cli('train', '--resume', run))).toMatch(/the data changed \(train \d+ → \d+ examples/);
    const allowed = await cli('train', '--resume', run, '--allow-data-change');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('continuing on the new data (--allow-data-change)');
    expect((await cli('train', '--allow-data-change')).code).toBe(2);
  });

  it('nan or inf in a GloVe file is named with its line and token before training starts', async () => {
    const vec = join(dir, 'nan.txt');
    writeFileSync(vec, 'the 0.1 0.2 0.3 0.4\nfilm 0.4 nan 0.2 0.1\n');
    const r = await cli('train', '--out', join(dir, 'nan-run'), ...TINY, '--glove', vec);
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toBe(`recur: vectors: ${vec}:2: value 2 of token "film" is NaN; embeddings must be finite (fix or remove this line)`);
  });

  it('resume refuses when the pretrained vectors changed', async () => {
    const vec = join(dir, 'vec.txt');
    writeFileSync(vec, 'the 0.1 0.2 0.3 0.4\nfilm 0.4 0.3 0.2 0.1\n');
    const run = join(dir, 'vec-run');
    const a = await cli('train', '--out', run, ...TINY, '--glove', vec, '--max-steps', '1');
    expect(a.code, a.stderr).toBe(0);
    writeFileSync(vec, 'the 0.1 0.2 0.3 0.5\nfilm 0.4 0.3 0.2 0.1\n');
    expect(oneLineError(await cli('train', '--resume', run))).toContain(`the vectors file ${vec} changed`);
  });
});
