/**
 * `verifyOnnx`: runs an exported file in onnxruntime-node and the model's own forward pass on the
 * same inputs — the example, then random inputs with other sizes for every dynamic axis the file
 * declares — and reports the largest absolute difference per output.
 */
import { readFile } from 'node:fs/promises';
import type { Module } from '@recur/recurrent';
import { scope, tensor, Tensor } from '@recur/tensor';
import { decodeModel } from '../proto/codec.js';
import { WithProbabilities } from '../sentiment.js';
import { readTokenizerSettings, TextIdEncoder } from '../tokenizer.js';
import { flattenInputs, flattenOutputs, rebuildArgs, secondExample, type DynamicAxes, type ForwardArg, type InputLeaf } from '../trace/io.js';
import { createSession, runSession, type FeedValue, type Provider } from './session.js';

export interface VerifyOptions {
  /** Example arguments of `model.forward`, as given to `exportOnnx`. */
  inputs: readonly ForwardArg[];
  provider?: Provider;
  /** Default 1e-5 (float32). */
  tolerance?: number;
  /** Runs on random inputs with other sizes of the file's dynamic axes (default 2; 0 = the example only). */
  otherSizes?: number;
}

export interface VerifyRun {
  /** Sizes of the dynamic axes in this run (empty for a static graph). */
  sizes: Record<string, number>;
  maxAbsDiff: number;
}

export interface VerifyResult {
  /** Max |ORT − Recur| over all outputs and runs. */
  maxAbsDiff: number;
  ok: boolean;
  /** Per output name, over all runs. */
  outputs: Record<string, number>;
  /** The example first, then the runs with other sizes. */
  runs: VerifyRun[];
  provider: Provider;
  fallbackNote?: string;
}

async function toFeed(v: InputLeaf): Promise<FeedValue> {
  if (!(v instanceof Tensor)) return { data: Int32Array.from(v), dims: [v.length] };
  const data = await v.data();
  if (data instanceof Float32Array || data instanceof Int32Array) return { data, dims: v.shape };
  return { data: Float32Array.from(data as ArrayLike<number>), dims: v.shape };
}

/** The dynamic axes of a file's graph inputs (dim_param names), by input name. */
function fileAxes(bytes: Uint8Array): DynamicAxes {
  const out: DynamicAxes = {};
  for (const i of decodeModel(bytes).graph.input) {
    i.type?.tensorType?.shape?.dim?.forEach((d, a) => {
      if (d.dimParam) (out[i.name] ??= {})[a] = d.dimParam;
    });
  }
  return out;
}

/**
 * Compares an exported model with Recur's forward pass (run in eval mode) on `inputs` and on
 * `otherSizes` random inputs of other dynamic sizes; outputs are matched in order.
 *
 * @example
 * const { bytes } = await exportOnnx(model, { inputs: [x, lengths], dynamicAxes });
 * const r = await verifyOnnx(model, bytes, { inputs: [x, lengths] });
 * r.outputs; // { output: 2.4e-7 }; r.ok === r.maxAbsDiff <= 1e-5
 */
export async function verifyOnnx(model: Module, file: string | Uint8Array, opts: VerifyOptions): Promise<VerifyResult> {
  const tolerance = opts.tolerance ?? 1e-5;
  const bytes = typeof file === 'string' ? new Uint8Array(await readFile(file)) : file;
  const handle = await createSession(bytes, { provider: opts.provider ?? 'cpu' });
  const wasTraining = model.training;
  model.eval();
  try {
    const names = handle.session.inputNames;
    const flat = flattenInputs('verifyOnnx', opts.inputs, names.length === flattenInputs('verifyOnnx', opts.inputs).length ? names : undefined);
    const axes = fileAxes(bytes);
    const outputs: Record<string, number> = {};
    const runs: VerifyRun[] = [];
    const compare = async (leaves: readonly InputLeaf[], sizes: Record<string, number>) => {
      const feeds: Record<string, FeedValue> = {};
      for (const [i, f] of flat.entries()) feeds[f.name] = await toFeed(leaves[i]!);
      for (const n of names) if (!feeds[n]) throw new Error(`verifyOnnx: the model needs input '${n}' (given: ${flat.map((f) => f.name).join(', ')})`);
      const ort = await runSession(handle.session, feeds);
      const result = scope(() => (model as unknown as { forward: (...a: unknown[]) => unknown }).forward(...rebuildArgs(opts.inputs, flat, leaves)));
      const ref = flattenOutputs('verifyOnnx', result, handle.session.outputNames.length === countTensors(result) ? handle.session.outputNames : undefined);
      let worst = 0;
      try {
        for (const [name, t] of ref) {
          const got = ort[name];
          if (!got) throw new Error(`verifyOnnx: Recur's output '${name}' is not an output of the file (${handle.session.outputNames.join(', ')})`);
          if (got.dims.join() !== t.shape.join()) throw new Error(`verifyOnnx: output '${name}' is [${got.dims.join(', ')}] in ORT but [${t.shape.join(', ')}] in Recur (sizes ${JSON.stringify(sizes)})`);
          const want = await t.data();
          let m = 0;
          for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(Number(got.data[i]) - Number(want[i])));
          if (Number.isNaN(m) || want.length !== got.data.length) m = Infinity;
          outputs[name] = Math.max(outputs[name] ?? 0, m);
          worst = Math.max(worst, m);
        }
      } finally {
        for (const [, t] of ref) if (!leaves.includes(t)) t.dispose();
      }
      runs.push({ sizes, maxAbsDiff: worst });
    };
    const exampleSizes = new Map<string, number>();
    flat.forEach((f) => {
      const shape = f.leaf instanceof Tensor ? f.leaf.shape : [f.leaf.length];
      for (const [a, s] of Object.entries(axes[f.name] ?? {})) exampleSizes.set(s, shape[Number(a)]!);
    });
    await compare(flat.map((f) => f.leaf), Object.fromEntries(exampleSizes));
    if (exampleSizes.size > 0) {
      for (let k = 0; k < (opts.otherSizes ?? 2); k++) {
        const { leaves, sizes } = await secondExample(flat, axes, exampleSizes, 101 + k, k === 0 ? 3 : -1);
        try {
          await compare(leaves, Object.fromEntries(sizes));
        } finally {
          for (const l of leaves) if (l instanceof Tensor) l.dispose();
        }
      }
    }
    const maxAbsDiff = Math.max(...runs.map((r) => r.maxAbsDiff));
    return { maxAbsDiff, ok: maxAbsDiff <= tolerance, outputs, runs, provider: handle.provider, ...(handle.fallbackNote ? { fallbackNote: handle.fallbackNote } : {}) };
  } finally {
    if (wasTraining) model.train();
    await handle.session.release();
  }
}

function countTensors(r: unknown): number {
  if (r instanceof Tensor) return 1;
  if (Array.isArray(r)) return r.length;
  return r && typeof r === 'object' ? Object.values(r).filter((t) => t instanceof Tensor).length : 0;
}

/**
 * Verifies an exported classifier on real texts: tokenizes them with the settings stored in the
 * file's metadata, then runs {@link verifyOnnx} with the model plus its probabilities output
 * (what `recur verify model.onnx RUN` does).
 *
 * @example
 * const r = await verifyOnTexts('model.onnx', model, testReviews.slice(0, 64), { provider: 'cuda' });
 * console.log(`max |ORT − Recur| = ${r.maxAbsDiff}`);
 */
export async function verifyOnTexts(file: string | Uint8Array, model: Module, texts: readonly string[], opts: Omit<VerifyOptions, 'inputs'> = {}): Promise<VerifyResult> {
  const bytes = typeof file === 'string' ? new Uint8Array(await readFile(file)) : file;
  const batch = new TextIdEncoder(readTokenizerSettings(decodeModel(bytes))).encode(texts);
  const ids = tensor(batch.ids, batch.dims, 'int32');
  try {
    return await verifyOnnx(new WithProbabilities(model), bytes, { ...opts, inputs: [ids, batch.lengths] });
  } finally {
    ids.dispose();
  }
}
