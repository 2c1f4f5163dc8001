/** Recur's own forward pass for the exported models, under the ONNX output names. */
import type { Dropout, Embedding, Linear, Module, RecurrentBase } from '@recur/recurrent';
import { dispose, keep, reshape, scope, sigmoid, slice, softmax, transpose, type Tensor } from '@recur/tensor';
import type { ClassifierParts } from '../classifier.js';
import type { VerifyInputs } from './verify.js';

type HostOut = Record<string, { data: Float32Array; dims: number[] }>;

function tensorInput(inputs: VerifyInputs, name: string, op: string): Tensor | undefined {
  const v = inputs[name];
  if (v === undefined) return undefined;
  if (v instanceof Int32Array || Array.isArray(v)) throw new Error(`${op}: input '${name}' must be a Tensor`);
  return v as Tensor;
}

function lengthsInput(inputs: VerifyInputs): Int32Array | number[] | undefined {
  const v = inputs.lengths;
  if (v === undefined) return undefined;
  if (v instanceof Int32Array || Array.isArray(v)) return v as Int32Array | number[];
  throw new Error('verifyOnnx: lengths must be an Int32Array or number[]');
}

async function toHost(named: Record<string, Tensor>): Promise<HostOut> {
  const out: HostOut = {};
  try {
    for (const [k, t] of Object.entries(named)) {
      const d = await t.data();
      out[k] = { data: d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>), dims: [...t.shape] };
    }
  } finally {
    dispose(Object.values(named));
  }
  return out;
}

/** RNN/LSTM/GRU forward: `output`, `h_n`, `c_n`. */
export async function recurrentReference(m: RecurrentBase, inputs: VerifyInputs): Promise<HostOut> {
  const x = tensorInput(inputs, 'input', 'verifyOnnx');
  if (!x) throw new Error(`verifyOnnx: ${m.constructor.name} needs an 'input' tensor`);
  const h0 = tensorInput(inputs, 'h0', 'verifyOnnx'), c0 = tensorInput(inputs, 'c0', 'verifyOnnx');
  const lengths = lengthsInput(inputs);
  const named = scope(() => {
    const r = (m as unknown as { forward(x: Tensor, o: object): { output: Tensor; hN: Tensor; cN?: Tensor } }).forward(x, {
      ...(h0 ? { h0 } : {}), ...(c0 ? { c0 } : {}), ...(lengths ? { lengths } : {}),
    });
    const o: Record<string, Tensor> = { output: keep(r.output), h_n: keep(r.hN) };
    if (r.cN) o.c_n = keep(r.cN);
    return o;
  });
  return toHost(named);
}

/**
 * Classifier forward. Uses the model's own `forward(ids, lengths)` when it returns logits
 * [batch, O]; otherwise composes it from its children (embedding → rnn → cat(h_n[-2], h_n[-1]) → fc).
 */
export async function classifierReference(model: Module, parts: ClassifierParts, inputs: VerifyInputs): Promise<HostOut> {
  const ids = tensorInput(inputs, 'text', 'verifyOnnx');
  if (!ids) throw new Error(`verifyOnnx: ${model.constructor.name} needs a 'text' int32 tensor`);
  const lengths = lengthsInput(inputs);
  const rnn = parts.rnn[1], fc = parts.fc[1];
  const D = rnn.bidirectional ? 2 : 1, L = rnn.numLayers, H = rnn.hiddenSize;
  const named = scope(() => {
    const own = (model as unknown as { forward?: (ids: Tensor, lengths?: unknown) => unknown }).forward;
    let logits: Tensor;
    if (typeof own === 'function') {
      const r = own.call(model, ids, lengths);
      logits = (r && typeof r === 'object' && 'logits' in r ? (r as { logits: Tensor }).logits : r) as Tensor;
    } else {
      const emb = parts.embedding[1].forward(ids);
      const { hN } = (rnn as unknown as { forward(x: Tensor, o: object): { hN: Tensor } }).forward(emb, lengths ? { lengths } : {});
      const B = hN.shape[1]!;
      const last = slice(hN, [(L - 1) * D, 0, 0], [D, B, H]); // (D, B, H)
      logits = fc.forward(reshape(transpose(last, [1, 0, 2]), [B, D * H])); // (B, O)
    }
    const probs = fc.outFeatures === 1 ? sigmoid(logits) : softmax(logits, -1);
    return { logits: keep(logits), probabilities: keep(probs) };
  });
  return toHost(named);
}

/** Linear, Embedding or Dropout (eval) forward on one input: `output`. */
export async function layerReference(m: Linear | Embedding | Dropout, inputs: VerifyInputs, inputName: string): Promise<HostOut> {
  const x = tensorInput(inputs, inputName, 'verifyOnnx');
  if (!x) throw new Error(`verifyOnnx: ${m.constructor.name} needs an '${inputName}' tensor`);
  const named = scope(() => ({ output: keep(m.forward(x)) }));
  return toHost(named);
}
