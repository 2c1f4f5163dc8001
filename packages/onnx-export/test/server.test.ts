/** The prediction server on a real exported SentimentRNN: 200 paths and every 4xx path, over real HTTP. */
import { SentimentRNN } from '@recur/recurrent';
import { dispose, memory, tensor } from '@recur/tensor';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSentimentModel, readTokenizerSettings, decodeModel, TextIdEncoder } from '../src/index.js';
import { createPredictionServer, type PredictionServer } from '../src/node/index.js';
import { REVIEWS, smallVocab } from './helpers.js';

let srv: PredictionServer;
let expected: number[];
let model: SentimentRNN;
let bytes: Uint8Array;
const before = memory().tensors;

beforeAll(async () => {
  const vocab = smallVocab();
  model = new SentimentRNN({ vocabSize: vocab.length, embeddingDim: 6, hiddenDim: 5, padIdx: 1, seed: 11 }).eval();
  ({ bytes } = await exportSentimentModel(model, { tokenizer: 'basic_english', lowercase: true, vocab, padIndex: 1, unkIndex: 0 }));
  // Recur's own probabilities for the reviews, one at a time (no padding at all), to compare with the batched server.
  const enc = new TextIdEncoder(readTokenizerSettings(decodeModel(bytes)));
  expected = [];
  for (const r of REVIEWS) {
    const b = enc.encode([r]);
    const ids = tensor(b.ids, b.dims, 'int32');
    const logit = model.forward(ids, b.lengths);
    expected.push(1 / (1 + Math.exp(-(await logit.data())[0]!)));
    ids.dispose();
    logit.dispose();
  }
  srv = await createPredictionServer({ modelBytes: bytes, port: 0, host: '127.0.0.1', maxBatch: 4, maxBodyBytes: 2048 });
});

afterAll(async () => {
  await srv?.close();
  model?.dispose();
  expect(memory().tensors).toBe(before);
});

const post = (path: string, body: string) => fetch(srv.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('createPredictionServer', () => {
  it('GET /health reports the provider and limits', async () => {
    const res = await fetch(`${srv.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', provider: 'cpu', tokenizer: 'basic_english', vocabSize: smallVocab().length, maxBatch: 4, maxBodyBytes: 2048, limits: { maxTokensPerText: null } });
  });

  it('keeps every token of a long text (no default cap), as Recur does', async () => {
    // Over 600 tokens (within the 2 KiB body limit) whose words come last: a 512-token cap would drop them.
    const long = `${'. '.repeat(600)}${REVIEWS[0]}`;
    const enc = new TextIdEncoder(readTokenizerSettings(decodeModel(bytes)));
    const b = enc.encode([long]);
    expect(b.dims[0]).toBeGreaterThan(512);
    const ids = tensor(b.ids, b.dims, 'int32');
    const logit = model.forward(ids, b.lengths);
    const want = 1 / (1 + Math.exp(-(await logit.data())[0]!));
    dispose([ids, logit]);
    const res = await post('/predict', JSON.stringify({ texts: [long] }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { probabilities: number[][] };
    expect(Math.abs(body.probabilities[0]![0]! - want)).toBeLessThan(1e-5);
  });

  it('POST /predict returns batched probabilities equal to Recur one text at a time', async () => {
    const res = await post('/predict', JSON.stringify({ texts: REVIEWS }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { probabilities: number[][]; labels: string[]; classes: string[] };
    expect(body.classes).toEqual(['negative', 'positive']);
    expect(body.probabilities).toHaveLength(REVIEWS.length);
    body.probabilities.forEach((p, i) => {
      expect(p).toHaveLength(1);
      expect(Math.abs(p[0]! - expected[i]!)).toBeLessThan(1e-5);
      expect(body.labels[i]).toBe(p[0]! >= 0.5 ? 'positive' : 'negative');
    });
  });

  it.each([
    ['bad JSON', '{"texts": [', 400, /invalid JSON/],
    ['not an object', '["a"]', 400, /JSON object/],
    ['missing texts', '{"text": "a"}', 400, /"texts" must be an array/],
    ['empty batch', '{"texts": []}', 400, /"texts" is empty/],
    ['empty text', '{"texts": ["good", "   "]}', 400, /texts\[1\] is empty/],
    ['non-string text', '{"texts": ["good", 3]}', 400, /texts\[1\] is number/],
    ['null text', '{"texts": [null]}', 400, /texts\[0\] is null/],
    ['token-less text', '{"texts": ["\\""]}', 400, /no tokens/],
    ['too many texts', JSON.stringify({ texts: ['a', 'b', 'c', 'd', 'e'] }), 413, /5 texts exceed the batch limit of 4/],
    ['too large a body', JSON.stringify({ texts: ['x'.repeat(3000)] }), 413, /exceeds the limit of 2048 bytes/],
  ] as const)('%s → %i', async (_name, body, status, msg) => {
    const res = await post('/predict', body);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { status: number; message: string } };
    expect(json.error.status).toBe(status);
    expect(json.error.message).toMatch(msg);
  });

  it('a body over the limit is read to its end and refused with 413; the connection is not reset', async () => {
    // A client still sending when the server closes gets ECONNRESET/EPIPE instead of the answer; send
    // 1 MiB in slow pieces so the server has answered long before the last one if it does not drain.
    const { hostname: host, port } = new URL(srv.url);
    const piece = 'x'.repeat(64 << 10), n = 16;
    const writeErrors: string[] = [];
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(port), host);
      let text = '', closed = false, sent = false;
      const done = () => closed && sent && resolve(text);
      sock.on('data', (d: Buffer) => (text += d.toString()));
      sock.on('close', () => ((closed = true), done()));
      sock.on('error', reject);
      sock.write(`POST /predict HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${piece.length * n}\r\n\r\n`);
      void (async () => {
        for (let i = 0; i < n; i++) {
          await new Promise((r) => setTimeout(r, 10));
          // A write into a socket the server already closed fails here (EPIPE / ECONNRESET).
          await new Promise<void>((r) => sock.write(piece, (e) => (e && writeErrors.push(`piece ${i}: ${(e as NodeJS.ErrnoException).code}`), r())));
        }
        sent = true;
        done();
      })();
    });
    expect(writeErrors).toEqual([]);
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toContain(`request body of ${piece.length * n} bytes exceeds the limit of 2048 bytes`);
    expect((await post('/predict', JSON.stringify({ texts: [REVIEWS[0]] }))).status).toBe(200);
  });

  it('a client that sends Expect: 100-continue gets the 413 before sending the body', async () => {
    const { status, continued, body } = await new Promise<{ status: number; continued: boolean; body: string }>((resolve, reject) => {
      const req = request(`${srv.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 5000, expect: '100-continue' } });
      let continued = false;
      req.on('continue', () => {
        continued = true;
        req.end('x'.repeat(5000));
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, continued, body: text }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(status).toBe(413);
    expect(continued).toBe(false);
    expect(body).toMatch(/of 5000 bytes exceeds the limit of 2048 bytes/);
  });

  it('unknown paths are 404, wrong methods 405 with Allow', async () => {
    expect((await fetch(`${srv.url}/nope`)).status).toBe(404);
    const r = await fetch(`${srv.url}/predict`);
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect((await post('/health', '{}')).status).toBe(405);
  });
});
