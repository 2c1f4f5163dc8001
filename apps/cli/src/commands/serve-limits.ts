/**
 * The input limits `recur serve` applies, stated once: the same token cap as training, eval and
 * predict (the run's --max-length, stored in the ONNX file; none when the run used every token),
 * plus the request limits. `/health` reports them.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface ServeLimits {
  /** Tokens kept per text; null = all (the run trained on whole texts). */
  maxTokensPerText: number | null;
  maxBatch: number;
  maxBodyBytes: number;
}

/** Token cap for the prediction server: the file's own, else none (never a silent default). */
export const NO_TOKEN_CAP = Number.MAX_SAFE_INTEGER;

export const DEFAULT_MAX_BATCH = 64;
export const DEFAULT_MAX_BODY_BYTES = 1 << 20;

/** `/health` body: what the server is and every limit it applies to an input. */
export function healthBody(base: { provider: string; vocabSize: number; tokenizer: string }, limits: ServeLimits): Record<string, unknown> {
  return {
    status: 'ok',
    ...base,
    maxBatch: limits.maxBatch,
    maxBodyBytes: limits.maxBodyBytes,
    limits: {
      maxTokensPerText: limits.maxTokensPerText,
      truncation: limits.maxTokensPerText === null ? 'none: every token is used, as in recur predict' : `first ${limits.maxTokensPerText} tokens, as in training and recur predict`,
      unknownWords: '<unk>',
      emptyTexts: 'rejected (400)',
      maxBatch: limits.maxBatch,
      maxBodyBytes: limits.maxBodyBytes,
    },
  };
}

/**
 * Answers `GET /health` with {@link healthBody} ahead of the server's own handler (which does not
 * report the token cap); every other request goes to that handler unchanged.
 */
export function serveHealthWithLimits(server: Server, body: Record<string, unknown>): void {
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      const text = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(req.method === 'HEAD' ? undefined : text);
      return;
    }
    for (const h of handlers) h.call(server, req, res);
  });
}
