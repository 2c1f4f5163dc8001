/**
 * `createPredictionServer`: a small HTTP service around an exported classifier. It reads the
 * tokenizer settings and vocabulary from the .onnx metadata, so the file is all it needs.
 *
 *   GET  /health   → 200 { status: 'ok', provider, vocabSize, tokenizer, maxBatch, maxBodyBytes, limits }
 *                    (limits: every rule applied to an input — token cap, unknown words, empty texts, sizes)
 *   POST /predict  { "texts": ["…", …] } → 200 { probabilities: number[][], labels: string[], classes }
 *
 * Errors are JSON `{ error: { status, message } }`: 400 bad JSON / missing, non-string or empty
 * texts, 413 body or batch too large, 404 unknown path, 405 wrong method.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLASSIFIER_IO } from '../sentiment.js';
import { decodeModel } from '../proto/codec.js';
import { readTokenizerSettings, TextIdEncoder, type TokenizerSettings } from '../tokenizer.js';
import { createSession, runSession, type Provider } from './session.js';

export interface PredictionServerOptions {
  /** Path of the .onnx file (or pass `modelBytes`). */
  modelPath?: string;
  modelBytes?: Uint8Array;
  /** Default 'cpu'; CUDA/WebGPU fall back to the CPU with a note (see createSession). */
  provider?: Provider;
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Most texts per request (default 64). */
  maxBatch?: number;
  /**
   * Tokens kept per text when the model's metadata sets no max length (default: every token, as in
   * training and Recur's own predict; `/health` reports the cap applied as `maxTokensPerText`).
   */
  maxTokens?: number;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
}

export interface PredictionServer {
  server: Server;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  provider: Provider;
  fallbackNote?: string;
  settings: TokenizerSettings;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * How much of an over-limit body is read and discarded before the 413 goes out. Closing a socket
 * with unread request bytes makes the kernel send a TCP reset, and the client then sees ECONNRESET
 * or EPIPE instead of the 413; draining first lets it read the answer. Past this much the server
 * stops reading and closes (a client sending that much after a refusal gets the reset).
 */
function drainLimit(limit: number): number {
  return Math.max(16 << 20, 4 * limit);
}

function tooLarge(bytes: number | null, limit: number): HttpError {
  return new HttpError(413, `request body${bytes === null ? '' : ` of ${bytes} bytes`} exceeds the limit of ${limit} bytes`);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > drainLimit(limit)) return reject(tooLarge(declared, limit));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else if (size > drainLimit(limit)) {
        req.removeAllListeners('data');
        reject(tooLarge(null, limit));
      }
    });
    // An over-limit body is read to its end (discarded) and then refused, so the 413 arrives.
    req.on('end', () => (size > limit ? reject(tooLarge(Number.isFinite(declared) ? declared : size, limit)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function parseTexts(body: Buffer, maxBatch: number): string[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `invalid JSON: ${(e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new HttpError(400, 'the body must be a JSON object like {"texts": ["a review"]}');
  const texts = (json as { texts?: unknown }).texts;
  if (!Array.isArray(texts)) throw new HttpError(400, '"texts" must be an array of strings');
  if (texts.length === 0) throw new HttpError(400, '"texts" is empty');
  if (texts.length > maxBatch) throw new HttpError(413, `${texts.length} texts exceed the batch limit of ${maxBatch}`);
  texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new HttpError(400, `texts[${i}] is ${t === null ? 'null' : typeof t}, expected a string`);
    if (t.trim() === '') throw new HttpError(400, `texts[${i}] is empty`);
  });
  return texts as string[];
}

/**
 * Starts the service (resolves once it listens).
 *
 * @example
 * const srv = await createPredictionServer({ modelPath: 'model.onnx', port: 8080 });
 * // curl -s localhost:8080/predict -H 'content-type: application/json' -d '{"texts":["A superb film."]}'
 * await srv.close();
 */
export async function createPredictionServer(opts: PredictionServerOptions): Promise<PredictionServer> {
  const bytes = opts.modelBytes ?? (opts.modelPath ? new Uint8Array(await readFile(opts.modelPath)) : undefined);
  if (!bytes) throw new Error('createPredictionServer: pass modelPath or modelBytes');
  const settings = readTokenizerSettings(decodeModel(bytes));
  // The file's own cap (the run's --max-length) wins; no silent default cap of our own.
  const cap = settings.maxLength ?? opts.maxTokens;
  const encoder = new TextIdEncoder({ ...settings, maxLength: cap });
  const maxBodyBytes = opts.maxBodyBytes ?? 1 << 20, maxBatch = opts.maxBatch ?? 64;
  const limits = {
    maxTokensPerText: cap ?? null,
    truncation: cap === undefined ? 'none: every token is used, as in training and predict' : `first ${cap} tokens, as in training and predict`,
    unknownWords: settings.vocab[settings.unkIndex] ?? '<unk>',
    emptyTexts: 'rejected (400)',
    maxBatch,
    maxBodyBytes,
  };
  const handle = await createSession(bytes, { provider: opts.provider ?? 'cpu' });
  const { session } = handle;
  for (const n of [CLASSIFIER_IO.ids, CLASSIFIER_IO.lengths]) {
    if (!session.inputNames.includes(n)) throw new Error(`createPredictionServer: the model has no '${n}' input (inputs: ${session.inputNames.join(', ')}); export it with exportSentimentModel`);
  }
  const outName = session.outputNames.includes(CLASSIFIER_IO.probabilities) ? CLASSIFIER_IO.probabilities : session.outputNames[0]!;

  const predict = async (texts: string[]) => {
    let batch;
    try {
      batch = encoder.encode(texts);
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
    const out = (await runSession(session, {
      [CLASSIFIER_IO.ids]: { data: batch.ids, dims: batch.dims },
      [CLASSIFIER_IO.lengths]: { data: batch.lengths, dims: [texts.length] },
    }))[outName]!;
    const O = out.dims[1] ?? 1;
    const classes = settings.labels ?? (O === 1 ? ['negative', 'positive'] : Array.from({ length: O }, (_, i) => String(i)));
    const probabilities = texts.map((_, b) => Array.from(out.data.subarray(b * O, (b + 1) * O)));
    const labels = probabilities.map((p) => (O === 1 ? classes[p[0]! >= 0.5 ? 1 : 0]! : classes[p.indexOf(Math.max(...p))]!));
    return { probabilities, labels, classes };
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const handle405 = (allow: string) => send(res, 405, { error: { status: 405, message: `${req.method} is not allowed on ${path}; use ${allow}` } }, { allow });
    if (path === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return handle405('GET');
      return send(res, 200, { status: 'ok', provider: handle.provider, vocabSize: settings.vocab.length, tokenizer: settings.tokenizer, maxBatch, maxBodyBytes, limits });
    }
    if (path !== '/predict') return send(res, 404, { error: { status: 404, message: `no route ${path}; use POST /predict or GET /health` } });
    if (req.method !== 'POST') return handle405('POST');
    readBody(req, maxBodyBytes)
      .then((body) => predict(parseTexts(body, maxBatch)))
      .then((r) => send(res, 200, r))
      .catch((e: unknown) => {
        const status = e instanceof HttpError ? e.status : 500;
        send(res, status, { error: { status, message: status === 500 ? `inference failed: ${(e as Error).message}` : (e as Error).message } }, status === 413 ? { connection: 'close' } : {});
      });
  });
  // A client that asks first (`Expect: 100-continue`, as curl does for large bodies) gets the 413
  // before it sends anything; otherwise Node's default answers 100 Continue.
  server.on('checkContinue', (req, res) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > maxBodyBytes) {
      const e = tooLarge(declared, maxBodyBytes);
      return send(res, 413, { error: { status: 413, message: e.message } }, { connection: 'close' });
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server, url: `http://${host}:${addr.port}`, port: addr.port, provider: handle.provider, settings,
    ...(handle.fallbackNote ? { fallbackNote: handle.fallbackNote } : {}),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await session.release();
    },
  };
}
