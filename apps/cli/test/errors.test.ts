/** Bad input exits non-zero with one line on stderr, never a stack trace (unless --debug). */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../src/config.js';
import { cli, cliProcess, oneLineError, tempDir } from './helpers.js';

const TINY = ['--limit', '200', '--test-limit', '50', '--epochs', '1', '--hidden', '8', '--embedding-dim', '8', '--no-baseline'];

describe('bad input', () => {
  const { dir, cleanup } = tempDir();
  const run = join(dir, 'run');
  beforeAll(async () => {
    const r = await cli('train', '--out', run, ...TINY);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(cleanup);
  afterEach(() => {
    delete process.env.RECUR_DEBUG_NAN_AT_STEP;
  });

  it('unknown flag, command and missing data path through the real entry point', () => {
    const flag = cliProcess(['train', '--foo']);
    expect(flag.code).toBe(2);
    expect(oneLineError(flag)).toBe("recur: unknown option '--foo' (see recur train --help)");
    const cmd = cliProcess(['trian']);
    expect(cmd.code).toBe(2);
    expect(oneLineError(cmd)).toBe("recur: unknown command 'trian' (did you mean train? see recur --help)");
    const missing = cliProcess(['train', '--data', join(dir, 'nope.csv'), '--out', join(dir, 'x')]);
    expect(missing.code).toBe(1);
    expect(oneLineError(missing)).toBe(`recur: data not found: ${join(dir, 'nope.csv')}`);
  });

  it('unknown preset and bad values are usage errors (exit 2)', async () => {
    const p = await cli('train', '--preset', 'huge');
    expect(p.code).toBe(2);
    expect(oneLineError(p)).toBe(`recur: unknown preset 'huge' (choose one of ${PRESETS.join('|')})`);
    const e = await cli('train', '--epochs', 'abc');
    expect(e.code).toBe(2);
    expect(oneLineError(e)).toBe("recur: option '--epochs' must be an integer >= 1, got 'abc' (see recur train --help)");
    const c = await cli('train', '--cell', 'transformer');
    expect(oneLineError(c)).toContain("option '--cell' must be one of rnn|lstm|gru");
    expect((await cli('info', '--preset', 'nope')).code).toBe(2);
    const d = await cli('data', 'download', 'mnist');
    expect(d.code).toBe(2);
    expect(oneLineError(d)).toBe("recur: recur data download: choose imdb or glove, got 'mnist'");
    expect(oneLineError(await cli('data', 'fetch'))).toBe("recur: unknown data action 'fetch' (see recur data --help)");
  });

  it('empty data: file, folder, header-only CSV', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    expect(oneLineError(await cli('train', '--data', empty, '--out', join(dir, 'a')))).toBe(`recur: data file is empty: ${empty}`);
    const folder = join(dir, 'emptydir');
    mkdirSync(folder);
    expect(oneLineError(await cli('train', '--data', folder, '--out', join(dir, 'b')))).toBe(`recur: data folder is empty: ${folder}`);
    const header = join(dir, 'header.csv');
    writeFileSync(header, 'text,label\n');
    const h = await cli('train', '--data', header, '--out', join(dir, 'c'));
    expect(h.code).toBe(1);
    expect(oneLineError(h)).toBe(`recur: ${header} has no labelled examples`);
    const badLabel = join(dir, 'bad.csv');
    writeFileSync(badLabel, 'text,label\ngood film,maybe\n');
    expect(oneLineError(await cli('train', '--data', badLabel, '--out', join(dir, 'd')))).toMatch(/bad\.csv:2: label "maybe" is not one of/);
  });

  it('corrupt checkpoint: a truncated weights file or a garbled state.json', async () => {
    const copy = join(dir, 'corrupt');
    cpSync(run, copy, { recursive: true });
    const w = join(copy, 'checkpoints/best/model.safetensors');
    writeFileSync(w, readFileSync(w).subarray(0, 100));
    const r = await cli('eval', copy);
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toMatch(/^recur: corrupt checkpoint .*model\.safetensors does not match its recorded size\/hash/);
    writeFileSync(join(copy, 'checkpoints/last/state.json'), '{"format":');
    expect(oneLineError(await cli('predict', copy, 'x', '--checkpoint', 'last'))).toMatch(/^recur: corrupt checkpoint .*state\.json unreadable/);
  });

  it('mismatched checkpoint: a run whose config no longer matches its weights', async () => {
    const copy = join(dir, 'mismatch');
    cpSync(run, copy, { recursive: true });
    const cfgPath = join(copy, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
    cfg.model.hidden = 12;
    writeFileSync(cfgPath, JSON.stringify(cfg));
    const r = await cli('eval', copy);
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toMatch(/^recur: checkpoint .* does not match the model: size mismatch for 'rnn\.weight_ih_l0': checkpoint has \[24, ?8\], the model has \[36, ?8\]/);
    expect(oneLineError(await cli('eval', join(dir, 'no-such-run')))).toBe(`recur: run directory not found: ${join(dir, 'no-such-run')}`);
  });

  it('GloVe file of the wrong dimension', async () => {
    const glove = join(dir, 'vectors.txt');
    writeFileSync(glove, 'the 0.1 0.2 0.3 0.4 0.5\nfilm 0.5 0.4 0.3 0.2 0.1\n');
    const r = await cli('train', '--glove', glove, '--out', join(dir, 'g'), ...TINY);
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toBe(`recur: vectors ${glove} have dimension 5, but the model's embedding dimension is 8 (set --embedding-dim 5 or use other vectors)`);
  });

  it('a NaN loss stops the run with its position; the last good checkpoint stays loadable', async () => {
    const real = await cli('train', '--out', join(dir, 'nan1'), ...TINY, '--optimizer', 'sgd', '--lr', '1e30', '--clip', '0');
    expect(real.code).toBe(1);
    expect(oneLineError(real)).toMatch(/^recur: loss became NaN at epoch 1 step \d+; no checkpoint had been saved yet/);
    process.env.RECUR_DEBUG_NAN_AT_STEP = '9'; // 6 steps per epoch: fails in epoch 2
    const out = join(dir, 'nan2');
    const r = await cli('train', '--out', out, ...TINY, '--epochs', '3');
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toMatch(/^recur: loss became NaN at epoch 2 step 9; last good checkpoint kept at .*nan2\/checkpoints\/last/);
    expect(JSON.parse(readFileSync(join(out, 'checkpoints/last/state.json'), 'utf8'))).toMatchObject({ step: 6, epoch: 1 });
    expect((await cli('eval', out, '--checkpoint', 'last', '--limit', '20')).code).toBe(0);
  });

  it('--debug adds the stack trace', async () => {
    const r = await cli('eval', join(dir, 'no-such-run'), '--debug');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`recur: run directory not found: ${join(dir, 'no-such-run')}`);
  });
});
