/**
 * `@recur/onnx-export/node`: run, verify and serve exported models with onnxruntime-node.
 *
 * @example
 * import { createSession, verifyOnnx, createPredictionServer } from '@recur/onnx-export/node';
 * const { session, provider, fallbackNote } = await createSession('model.onnx', { provider: 'cuda' });
 */
export { createSession, runSession } from './session.js';
export type { Provider, CreateSessionOptions, SessionHandle, FeedValue } from './session.js';
export { verifyOnnx, verifyOnTexts } from './verify.js';
export { saveOnnx, loadOnnx } from './files.js';
export type { LoadedOnnx } from './files.js';
export type { VerifyOptions, VerifyResult, VerifyRun } from './verify.js';
export { createPredictionServer } from './server.js';
export type { PredictionServer, PredictionServerOptions } from './server.js';
