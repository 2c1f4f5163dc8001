/** recur export / verify / serve on a small built-in-corpus run. */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, oneLineError, startCli, tempDir } from './helpers.js';

describe('ONNX commands', () => {
  const { dir, cleanup } = tempDir();
  const run = join(dir, 'run');
  const onnx = join(dir, 'model.onnx');
  beforeAll(async () => {
    const r = await cli('train', '--out', run, '--limit', '300', '--test-limit', '50', '--epochs', '1', '--hidden', '8', '--embedding-dim', '8', '--no-baseline', '--bidirectional');
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(cleanup);

  it('export writes an ONNX file and verify finds it equal to the run in onnxruntime', async () => {
    const e = await cli('export', run, '--onnx', onnx);
    expect(e.code, e.stderr).toBe(0);
    expect(existsSync(onnx)).toBe(true);
    const v = await cli('verify', onnx, run, '--texts', '16');
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^OK: max difference \S+ \(tolerance 0\.00001\)$/m);
    expect(oneLineError(await cli('verify', join(dir, 'none.onnx'), run))).toBe(`recur: ONNX file not found: ${join(dir, 'none.onnx')}`);
    expect((await cli('export', run)).code).toBe(2);
  });

  it('serve answers /predict until SIGINT (real process)', async () => {
    const child = startCli(['serve', onnx, '--port', '0']);
    let out = '';
    const url = await new Promise<string>((ok, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /at (http:\/\/\S+)/.exec(out);
        if (m) ok(m[1]!);
      });
      child.on('exit', () => fail(new Error(`serve exited: ${out}`)));
    });
    const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: ['the film was great .', 'the plot was not good .'] }) });
    const body = (await res.json()) as { probabilities: number[][]; labels: string[] };
    expect(res.status).toBe(200);
    expect(body.labels).toHaveLength(2);
    for (const [p] of body.probabilities) expect(p).toBeGreaterThan(0);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
