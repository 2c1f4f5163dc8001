/** The same input limits in predict, eval, the ONNX export and serve; /health states them. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChild } from './fault-helpers.js';
import { cli, oneLineError, tempDir } from './helpers.js';

const TINY = ['--limit', '300', '--test-limit', '50', '--epochs', '1', '--hidden', '8', '--embedding-dim', '8', '--no-baseline'];

// 660 tokens whose second part (after token 512) says the opposite of the first.
const LONG = `${'the film was awful and boring . '.repeat(75)}${'great acting , a wonderful and moving story . '.repeat(15)}`;

describe('input limits', () => {
  const { dir, cleanup } = tempDir('recur-limits-');
  const all = join(dir, 'all');
  const capped = join(dir, 'capped');
  beforeAll(async () => {
    for (const [run, extra] of [[all, []], [capped, ['--max-length', '20']]] as const) {
      const r = await cli('train', '--out', run, ...TINY, ...extra);
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(cleanup);

  it('serve scores a 660-token text exactly as predict does (no hidden 512-token cut), and /health states the limits', async () => {
    for (const [run, cap] of [[all, null], [capped, 20]] as const) {
      const onnx = join(dir, `${cap ?? 'all'}.onnx`);
      expect((await cli('export', run, '--onnx', onnx)).code).toBe(0);
      const p = await cli('predict', run, '--json', LONG, 'the film was great .');
      expect(p.code, p.stderr).toBe(0);
      const rows = p.stdout.trim().split('\n').map((l) => JSON.parse(l) as { probability: number; tokens: number; tokensUsed: number });
      expect(rows[0]).toMatchObject({ tokens: 660, tokensUsed: cap ?? 660 });
      const c = startChild(['serve', onnx, '--port', '0'], {});
      try {
        let out = '';
        c.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        const t0 = Date.now();
        while (!/at (http:\/\/\S+)/.test(out)) {
          if (Date.now() - t0 > 60_000) throw new Error(`serve did not start: ${c.stderr()}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        const url = /at (http:\/\/\S+)/.exec(out)![1]!;
        const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: [LONG, 'the film was great .'] }) });
        const body = (await res.json()) as { probabilities: number[][] };
        expect(res.status).toBe(200);
        body.probabilities.forEach(([q], i) => expect(Math.abs(q! - rows[i]!.probability), `text ${i}, cap ${cap}`).toBeLessThan(1e-5));
        const health = (await (await fetch(`${url}/health`)).json()) as { limits: Record<string, unknown> };
        expect(health.limits).toMatchObject({ maxTokensPerText: cap, unknownWords: '<unk>', maxBatch: 64, maxBodyBytes: 1 << 20 });
        const other = await fetch(`${url}/nope`);
        expect(other.status).toBe(404);
      } finally {
        c.child.kill('SIGINT');
        await c.done;
      }
    }
  });

  it('predict rejects a text without tokens, as serve does', async () => {
    const r = await cli('predict', all, 'a fine film', '');
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe('recur: text 2 has no tokens after basic_english tokenization (serve rejects such texts too); give a text with words');
  });

  it('eval of a CSV run without --test uses its validation split, never the training texts', async () => {
    const csv = join(dir, 'reviews.csv');
    const lines = ['text,label'];
    for (let i = 0; i < 60; i++) lines.push(`"review ${i} was ${i % 2 ? 'great' : 'awful'}",${i % 2}`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const run = join(dir, 'csv');
    const t = await cli('train', '--out', run, '--data', csv, '--epochs', '1', '--hidden', '4', '--embedding-dim', '4', '--valid-split', '0.25', '--no-baseline');
    expect(t.code, t.stderr).toBe(0);
    const e = await cli('eval', run, '--json');
    expect(e.code, e.stderr).toBe(0);
    const o = JSON.parse(e.stdout) as { data: string; count: number };
    expect(o.count).toBe(15);
    expect(o.data).toContain('validation split: 15 texts held out from training; the run has no --test file');
  });
});
