/**
 * `recur serve` under a bounded load on 127.0.0.1: concurrent requests mixed with bad ones; good
 * answers equal `recur predict`, bad ones get their 4xx with a message, the server never answers
 * 500 and its resident memory stays bounded. Request bodies are also fuzzed (fast-check).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChild } from './fault-helpers.js';
import { cli, tempDir } from './helpers.js';

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

describe('serve under load', () => {
  const { dir, cleanup } = tempDir('recur-load-');
  const run = join(dir, 'run');
  const onnx = join(dir, 'model.onnx');
  let server: ReturnType<typeof startChild>;
  let url = '';
  beforeAll(async () => {
    const t = await cli('train', '--out', run, '--limit', '300', '--test-limit', '20', '--epochs', '1', '--hidden', '8', '--embedding-dim', '8', '--no-baseline');
    expect(t.code, t.stderr).toBe(0);
    expect((await cli('export', run, '--onnx', onnx)).code).toBe(0);
    server = startChild(['serve', onnx, '--port', '0'], {});
    let out = '';
    server.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const t0 = Date.now();
    while (!/at (http:\/\/127\.0\.0\.1:\d+)/.test(out)) {
      if (Date.now() - t0 > 60_000) throw new Error(`serve did not start: ${server.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
  });
  afterAll(async () => {
    server.child.kill('SIGINT');
    await server.done;
    cleanup();
  });

  const post = async (body: string, path = '/predict', method = 'POST') => {
    const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body }) });
    return { status: res.status, json: (await res.json()) as { probabilities?: number[][]; error?: { message: string } } };
  };

  it('360 requests, 16 at a time, a third of them bad: right answers and statuses, bounded memory', async () => {
    const texts = ['the film was great .', 'the plot was not good .', 'although the acting was dull , the story was moving .', 'a b c'];
    const p = await cli('predict', run, '--json', ...texts);
    const expected = p.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { probability: number }).probability);
    const cases: [() => Promise<{ status: number; json: { probabilities?: number[][]; error?: { message: string } } }>, number, number[] | null][] = [
      [() => post(JSON.stringify({ texts })), 200, expected],
      [() => post(JSON.stringify({ texts: [texts[2]!] })), 200, [expected[2]!]],
      [() => post('{"texts": ['), 400, null],
      [() => post(JSON.stringify({ texts: ['ok', ''] })), 400, null],
      [() => post(JSON.stringify({ texts: Array(65).fill('x') })), 413, null],
      // Over the 1 MiB limit: the server reads the body to its end and answers 413 (no reset).
      [() => post(JSON.stringify({ texts: ['x'.repeat(1 << 20)] })), 413, null],
      [() => post('', '/predict', 'GET'), 405, null],
      [() => post('{}', '/nope'), 404, null],
      [() => post(JSON.stringify({ texts: [1, null] })), 400, null],
    ];
    const pid = server.child.pid!;
    const warm = async () => { for (const [f] of cases) await f(); };
    await warm();
    const rss0 = rssMiB(pid);
    let next = 0;
    const worker = async () => {
      while (next < 360) {
        const [f, status, probs] = cases[next++ % cases.length]!;
        const r = await f();
        expect(r.status).toBe(status);
        if (probs) r.json.probabilities!.forEach(([q], i) => expect(Math.abs(q! - probs[i]!)).toBeLessThan(1e-5));
        else expect(r.json.error!.message.length).toBeGreaterThan(0);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const health = await post('', '/health', 'GET');
    expect(health.status).toBe(200);
    expect(rssMiB(pid) - rss0).toBeLessThan(150);
  });

  it('fuzzed request bodies: 200 or a 4xx with a message, never a 500 or a dropped connection', async () => {
    const body = fc.oneof(
      fc.json(),
      fc.record({ texts: fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.anything()), { maxLength: 5 }) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
      fc.string({ maxLength: 40 }),
    );
    await fc.assert(fc.asyncProperty(body, async (b) => {
      const r = await post(b);
      expect([200, 400, 413]).toContain(r.status);
      if (r.status === 200) expect(r.json.probabilities!.length).toBeGreaterThan(0);
      else expect(r.json.error!.message).toMatch(/\S/);
    }), { numRuns: 150 });
  });
});
