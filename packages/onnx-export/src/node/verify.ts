/**
 * `verifyOnnx`: runs an exported file in onnxruntime-node and Recur's own forward pass on the same
 * inputs, and reports the largest absolute difference per output.
 */
import { readFile } from 'node:fs/promises';
import { Dropout, Embedding, Linear, RecurrentBase, type Module } from '@recur/recurrent';
import { tensor, type Tensor } from '@recur/tensor';
import { CLASSIFIER_IO, findClassifierParts } from '../classifier.js';
import { decodeModel } from '../proto/codec.js';
import { readTokenizerSettings, TextIdEncoder } from '../tokenizer.js';
import { classifierReference, layerReference, recurrentReference } from './reference.js';
import { createSession, runSession, type FeedValue, type Provider } from './session.js';

/** Inputs by ONNX input name: `input`/`h0`/`c0` (float32) and `lengths` for RNNs; `text` and `lengths` for classifiers; `input` for Linear/Dropout; `ids` for Embedding. */
export type VerifyInputs = Record<string, Tensor | Int32Array | readonly number[]>;

export interface VerifyOptions {
  provider?: Provider;
  /** Default 1e-5 (float32). */
  tolerance?: number;
}

export interface VerifyResult {
  /** Max |ORT − Recur| over all compared outputs. */
  maxAbsDiff: number;
  ok: boolean;
  /** Per output name. */
  outputs: Record<string, number>;
  provider: Provider;
  fallbackNote?: string;
}

async function toFeed(v: Tensor | Int32Array | readonly number[]): Promise<FeedValue> {
  if (v instanceof Int32Array || Array.isArray(v)) return { data: Int32Array.from(v as ArrayLike<number>), dims: [v.length] };
  const t = v as Tensor;
  const data = await t.data();
  if (data instanceof Float32Array || data instanceof Int32Array) return { data, dims: t.shape };
  return { data: Float32Array.from(data as ArrayLike<number>), dims: t.shape };
}

/**
 * Compares an exported model with Recur's forward (model in eval mode).
 *
 * @example
 * const r = await verifyOnnx('lstm.onnx', lstm, { input: x, lengths: [5, 3] });
 * r.maxAbsDiff; // e.g. 2.4e-7; r.ok === r.maxAbsDiff <= 1e-5
 */
export async function verifyOnnx(file: string | Uint8Array, model: Module, inputs: VerifyInputs, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const tolerance = opts.tolerance ?? 1e-5;
  const handle = await createSession(file, { provider: opts.provider ?? 'cpu' });
  try {
    const feeds: Record<string, FeedValue> = {};
    for (const name of handle.session.inputNames) {
      const v = inputs[name];
      if (v === undefined) throw new Error(`verifyOnnx: the model needs input '${name}' (inputs: ${handle.session.inputNames.join(', ')})`);
      feeds[name] = await toFeed(v);
    }
    const ort = await runSession(handle.session, feeds);
    const ref = await referenceOutputs(model, inputs);
    const outputs: Record<string, number> = {};
    for (const [name, want] of Object.entries(ref)) {
      const got = ort[name];
      if (!got) continue;
      if (got.dims.join() !== want.dims.join()) throw new Error(`verifyOnnx: output '${name}' is [${got.dims.join(', ')}] in ORT but [${want.dims.join(', ')}] in Recur`);
      let m = 0;
      for (let i = 0; i < want.data.length; i++) m = Math.max(m, Math.abs(got.data[i]! - want.data[i]!));
      outputs[name] = m;
    }
    if (Object.keys(outputs).length === 0) throw new Error(`verifyOnnx: no output of the model (${handle.session.outputNames.join(', ')}) has a Recur counterpart`);
    const maxAbsDiff = Math.max(...Object.values(outputs));
    return { maxAbsDiff, ok: maxAbsDiff <= tolerance, outputs, provider: handle.provider, ...(handle.fallbackNote ? { fallbackNote: handle.fallbackNote } : {}) };
  } finally {
    await handle.session.release();
  }
}

/** Recur's outputs under the ONNX output names, as host data. */
export async function referenceOutputs(model: Module, inputs: VerifyInputs): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  if (model instanceof RecurrentBase) return recurrentReference(model, inputs);
  if (model instanceof Linear || model instanceof Dropout) return layerReference(model, inputs, 'input');
  if (model instanceof Embedding) return layerReference(model, inputs, 'ids');
  const parts = findClassifierParts(model);
  if (parts) return classifierReference(model, parts, inputs);
  throw new Error(`verifyOnnx: no Recur reference for ${model.constructor.name}`);
}

/**
 * Verifies an exported classifier on real texts: tokenizes them with the settings stored in the
 * file's metadata, then runs {@link verifyOnnx} (what `recur verify model.onnx RUN` does).
 *
 * @example
 * const r = await verifyOnTexts('model.onnx', model, testReviews.slice(0, 64), { provider: 'cuda' });
 * console.log(`max |ORT − Recur| = ${r.maxAbsDiff}`);
 */
export async function verifyOnTexts(file: string | Uint8Array, model: Module, texts: readonly string[], opts: VerifyOptions = {}): Promise<VerifyResult> {
  const bytes = typeof file === 'string' ? new Uint8Array(await readFile(file)) : file;
  const batch = new TextIdEncoder(readTokenizerSettings(decodeModel(bytes))).encode(texts);
  const ids = tensor(batch.ids, batch.dims, 'int32');
  try {
    return await verifyOnnx(bytes, model, { [CLASSIFIER_IO.ids]: ids, [CLASSIFIER_IO.lengths]: batch.lengths }, opts);
  } finally {
    ids.dispose();
  }
}
