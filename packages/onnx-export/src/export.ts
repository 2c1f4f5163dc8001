/**
 * `exportOnnx`: Recur modules → ONNX bytes. Supported: RNN/LSTM/GRU (any layers, directions,
 * batchFirst, optional initial states and per-sequence lengths), Linear, Embedding, Dropout, and
 * the Embedding → RNN → Linear classifier (the seed's SentimentRNN).
 */
import { Dropout, Embedding, Linear, RecurrentBase, type Module } from '@recur/recurrent';
import { GraphBuilder, type Dim } from './graph/builder.js';
import { emitDropout, emitEmbedding, emitLinear } from './graph/layers.js';
import { emitRecurrent } from './graph/recurrent.js';
import { emitClassifier, findClassifierParts } from './classifier.js';
import { cudaFallbackWarnings } from './cuda-fallback.js';
import { encodeModel, type ModelProto } from './proto/codec.js';
import { hostWeights, recurrentSpec } from './modules.js';

export const PRODUCER_NAME = 'recur';
export const PRODUCER_VERSION = '0.1.0';
export const DEFAULT_OPSET = 17;
export const MIN_OPSET = 14;
export const MAX_OPSET = 22;

export interface ExportOptions {
  /** Default 17; 14–21 run everywhere, 22 is accepted with a CUDA-fallback warning per recurrent node. */
  opset?: number;
  /** Recurrent models: input/output layout (default: the module's own `batchFirst`). */
  batchFirst?: boolean;
  /** Recurrent models and classifiers: add an int32 [batch] `lengths` input → `sequence_lens` (default true). */
  withLengths?: boolean;
  /** Recurrent models: add `h0` (and LSTM `c0`) inputs [L·D, batch, H] (default false: zeros). */
  withInitialState?: boolean;
  /** Linear models: rank of the input (default 2, which exports Gemm). Embedding: rank of the ids (default 2). */
  inputRank?: number;
  /** Extra model metadata (ModelProto.metadata_props), e.g. the tokenizer settings. */
  metadata?: Record<string, string>;
  docString?: string;
  graphName?: string;
}

export interface ExportResult {
  /** The serialised ModelProto. */
  bytes: Uint8Array;
  /** One line per problem (CUDA fallbacks name the node). */
  warnings: string[];
  /** The model before serialisation. */
  model: ModelProto;
  inputNames: string[];
  outputNames: string[];
}

/**
 * Exports a model to ONNX (float32, dynamic batch and sequence dimensions, weights as initializers).
 * Modules must be in eval mode semantics: Dropout becomes Identity.
 *
 * @example
 * const lstm = new LSTM({ inputSize: 8, hiddenSize: 16, numLayers: 2, bidirectional: true });
 * const { bytes, warnings } = await exportOnnx(lstm, { opset: 17 });
 * await writeFile('lstm.onnx', bytes); // inputs: input [seq, batch, 8], lengths [batch]; outputs: output, h_n, c_n
 */
export async function exportOnnx(model: Module, opts: ExportOptions = {}): Promise<ExportResult> {
  const opset = opts.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new Error(`exportOnnx: opset ${opset} is outside ${MIN_OPSET}–${MAX_OPSET} (recurrent nodes need ≥ 14 for a stable signature; 17 is the default)`);
  }
  const g = new GraphBuilder();
  const weights = await hostWeights(model);
  const warnings: string[] = [];
  if (model.training) warnings.push(`${model.constructor.name} is in training mode; the export has inference semantics (dropout is the identity). Call model.eval() first to silence this.`);
  let doc: string;
  if (model instanceof RecurrentBase) {
    doc = emitRecurrentModel(g, model, weights, opts);
  } else if (model instanceof Linear) {
    const r = opts.inputRank ?? 2;
    const dims: Dim[] = [...Array.from({ length: r - 1 }, (_, i) => (i === 0 ? 'batch' : `d${i}`)), model.inFeatures];
    const x = g.input('input', 'float32', dims, `[${dims.join(', ')}] features`);
    g.output(emitLinear(g, weights, x, r, { name: 'linear' }), 'output', 'float32', [...dims.slice(0, -1), model.outFeatures], 'input · weightᵀ + bias');
    doc = `Linear(${model.inFeatures} → ${model.outFeatures})`;
  } else if (model instanceof Embedding) {
    const r = opts.inputRank ?? 2;
    const dims: Dim[] = r === 1 ? ['n'] : ['seq', 'batch', ...Array.from({ length: r - 2 }, (_, i) => `d${i}`)];
    const ids = g.input('ids', 'int32', dims, 'token ids');
    g.output(emitEmbedding(g, weights, ids), 'output', 'float32', [...dims, model.embeddingDim], 'embedding rows');
    doc = `Embedding(${model.numEmbeddings}, ${model.embeddingDim})`;
  } else if (model instanceof Dropout) {
    const x = g.input('input', 'float32', ['batch', 'features']);
    g.output(emitDropout(g, x), 'output', 'float32', ['batch', 'features'], 'identity (dropout at inference)');
    doc = `Dropout(p=${model.p}) at inference: identity`;
  } else {
    const parts = findClassifierParts(model);
    if (!parts) {
      throw new Error(`exportOnnx: ${model.constructor.name} is not exportable: expected RNN/LSTM/GRU, Linear, Embedding, Dropout, or a classifier with Embedding, RNN/LSTM/GRU and Linear children (found ${model.namedChildren().map(([n, c]) => `${n}: ${c.constructor.name}`).join(', ') || 'no children'})`);
    }
    doc = emitClassifier(g, parts, weights, { withLengths: opts.withLengths ?? true });
  }
  const proto = g.build({
    opset, producerName: PRODUCER_NAME, producerVersion: PRODUCER_VERSION, graphName: opts.graphName ?? model.constructor.name,
    docString: opts.docString ?? `${doc}. Exported by Recur ${PRODUCER_VERSION}.`, metadata: opts.metadata,
  });
  warnings.push(...cudaFallbackWarnings(proto));
  return { bytes: encodeModel(proto), warnings, model: proto, inputNames: g.inputs.map((i) => i.name), outputNames: g.outputs.map((o) => o.name) };
}

function emitRecurrentModel(g: GraphBuilder, m: RecurrentBase, weights: Awaited<ReturnType<typeof hostWeights>>, opts: ExportOptions): string {
  const spec = recurrentSpec(m);
  const bf = opts.batchFirst ?? m.batchFirst;
  const D = spec.bidirectional ? 2 : 1, H = spec.hiddenSize, LD = spec.numLayers * D;
  const xDims: Dim[] = bf ? ['batch', 'seq', spec.inputSize] : ['seq', 'batch', spec.inputSize];
  const x = g.input('input', 'float32', xDims, bf ? 'input [batch, seq, input_size]' : 'input [seq, batch, input_size] (time-major)');
  const lens = (opts.withLengths ?? true) ? g.input('lengths', 'int32', ['batch'], 'valid steps per sequence, 1 ≤ len ≤ seq (ONNX sequence_lens)') : undefined;
  const st = opts.withInitialState ?? false;
  const h0 = st ? g.input('h0', 'float32', [LD, 'batch', H], 'initial hidden state [num_layers·num_directions, batch, hidden]') : undefined;
  const c0 = st && spec.mode === 'lstm' ? g.input('c0', 'float32', [LD, 'batch', H], 'initial cell state') : undefined;
  const xt = bf ? g.node('Transpose', [x], { perm: [1, 0, 2] }, { name: 'input/to_time_major' })[0]! : x;
  const r = emitRecurrent(g, spec, weights, { x: xt, sequenceLens: lens, h0, c0 }, { name: spec.mode });
  const y = bf ? g.node('Transpose', [r.y], { perm: [1, 0, 2] }, { name: 'output/to_batch_first' })[0]! : r.y;
  const yDims: Dim[] = bf ? ['batch', 'seq', D * H] : ['seq', 'batch', D * H];
  g.output(y, 'output', 'float32', yDims, 'outputs of the last layer, both directions concatenated; zero past each length');
  g.output(r.hN, 'h_n', 'float32', [LD, 'batch', H], 'hidden state at each sequence\'s last valid step, layer-major then direction');
  if (r.cN) g.output(r.cN, 'c_n', 'float32', [LD, 'batch', H], 'cell state at each sequence\'s last valid step');
  return m.repr();
}
