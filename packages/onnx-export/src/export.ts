/**
 * `exportOnnx`: any Recur model → ONNX bytes, by tracing its forward pass through the kernels
 * (trace/tracer.ts) and mapping each kernel by name (trace/kernel-emitters.ts). Recurrent layers
 * become one ONNX RNN/LSTM/GRU node per layer; a kernel without a mapping is refused with its
 * name, module path and shapes; dynamic axes are checked by tracing a second example.
 */
import type { Module } from '@recur/recurrent';
import { Tensor } from '@recur/tensor';
import { cudaFallbackWarnings } from './cuda-fallback.js';
import { hostWeights } from './modules.js';
import { encodeModel, type ModelProto } from './proto/codec.js';
import { frozenShapeProblems } from './trace/frozen-shapes.js';
import { flattenInputs, secondExample, type DynamicAxes, type ForwardArg, type InputLeaf } from './trace/io.js';
import { argsOnActiveBackend, toSyncBackend } from './trace/sync-backend.js';
import { traceForward, type TraceResult } from './trace/tracer.js';
import { VERSION } from './version.js';

export const PRODUCER_NAME = 'recur';
/** The package version (src/version.ts, generated from package.json by tools/sync-versions.mjs). */
export const PRODUCER_VERSION = VERSION;
export const DEFAULT_OPSET = 17;
export const MIN_OPSET = 14;
export const MAX_OPSET = 22;

export interface ExportOptions {
  /** Example arguments of `model.forward`: tensors, int32 host arrays (lengths), or records of them (`{ lengths, h0 }`). */
  inputs: readonly ForwardArg[];
  /** Graph input names in argument order (default: record keys, else `input` / `input_i`). */
  inputNames?: readonly string[];
  /** Graph output names in result order (default: record keys, else `output` / `output_i`). */
  outputNames?: readonly string[];
  /**
   * `{ name: { axis: 'symbol' } }`, e.g. `{ input: { 0: 'seq', 1: 'batch' } }`. Inputs declare the dynamic axes;
   * output entries are checked against the trace (an output axis the trace fixed is an error).
   */
  dynamicAxes?: DynamicAxes;
  /**
   * The arguments of the second trace that checks the dynamic axes (default: generated from
   * `inputs` with other sizes for every dynamic axis; see `secondExample`).
   */
  checkInputs?: readonly ForwardArg[];
  /** Default 17; 14–21 run everywhere, 22 is accepted with a CUDA-fallback warning per recurrent node. */
  opset?: number;
  /** Doc strings of graph inputs and outputs, by name. */
  docStrings?: Record<string, string>;
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
 * Exports `model` by tracing `model.forward(...inputs)` in eval mode (float32; weights as
 * initializers named by their state_dict keys). Throws, naming the kernel, module path and
 * shapes, when the forward pass uses a kernel that has no ONNX mapping, and names the node when
 * a declared dynamic axis was frozen by the trace.
 *
 * @example
 * // A user-defined model: mean-pooled GRU outputs → Linear → softmax.
 * class Tagger extends Module {
 *   rnn = this.module('rnn', new GRU({ inputSize: 8, hiddenSize: 16 }));
 *   fc = this.module('fc', new Linear({ inFeatures: 16, outFeatures: 3 }));
 *   forward(x: Tensor, lengths: Int32Array) {
 *     const { output } = this.rnn.forward(x, { lengths });                  // (T, B, 16), zero past each length
 *     const pooled = div(sum(output, 0), tensor(Float32Array.from(lengths), [lengths.length, 1])); // (B, 16)
 *     return softmax(this.fc.forward(pooled));                              // (B, 3)
 *   }
 * }
 * const { bytes } = await exportOnnx(new Tagger(), {
 *   inputs: [x, lengths], inputNames: ['input', 'lengths'], outputNames: ['probabilities'],
 *   dynamicAxes: { input: { 0: 'seq', 1: 'batch' }, lengths: { 0: 'batch' } },
 * });
 */
export async function exportOnnx(model: Module, opts: ExportOptions): Promise<ExportResult> {
  if (!opts || !Array.isArray(opts.inputs)) throw new Error('exportOnnx: pass { inputs: [...] }, the example arguments of model.forward');
  const opset = opts.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new Error(`exportOnnx: opset ${opset} is outside ${MIN_OPSET}–${MAX_OPSET} (recurrent nodes need ≥ 14 for a stable signature; 17 is the default)`);
  }
  const weights = await hostWeights(model);
  const warnings: string[] = [];
  if (model.training) warnings.push(`${model.constructor.name} is in training mode; the export traces it in eval mode (dropout is the identity). Call model.eval() first to silence this.`);
  const dynamicAxes = opts.dynamicAxes ?? {};
  const common = { dynamicAxes, opset, weights, inputNames: opts.inputNames, outputNames: opts.outputNames, docStrings: opts.docStrings };
  const build = (cx: TraceResult['cx']) => cx.g.build({
    opset, producerName: PRODUCER_NAME, producerVersion: PRODUCER_VERSION, graphName: opts.graphName ?? model.constructor.name,
    docString: opts.docString ?? `${model.constructor.name} traced by Recur ${PRODUCER_VERSION}.`, metadata: opts.metadata,
  });
  const move = toSyncBackend(model, weights);
  const owned: Tensor[] = [];
  let first: TraceResult, proto: ModelProto;
  try {
    const ex = await argsOnActiveBackend('exportOnnx', opts.inputs);
    owned.push(...ex.owned);
    first = traceForward(model, { ...common, args: ex.args });
    proto = build(first.cx);
    if (first.cx.sizes.size > 0) {
      const flat = flattenInputs('exportOnnx', ex.args, opts.inputNames);
      let leaves: InputLeaf[], sizes: string;
      if (opts.checkInputs) {
        const check = await argsOnActiveBackend('exportOnnx', opts.checkInputs);
        owned.push(...check.owned);
        leaves = flattenInputs('exportOnnx', check.args, opts.inputNames).map((f) => f.leaf);
        sizes = 'the check inputs';
      } else {
        const s = await secondExample(flat, dynamicAxes, first.cx.sizes);
        leaves = s.leaves;
        owned.push(...leaves.filter((l): l is Tensor => l instanceof Tensor));
        sizes = `a second input with ${[...s.sizes].map(([k, v]) => `${k}=${v}`).join(', ')}`;
      }
      const second = traceForward(model, { ...common, args: ex.args, leaves });
      const problems = frozenShapeProblems(proto.graph, build(second.cx).graph, sizes);
      if (problems.length) {
        const uniform = flat.filter((f) => !(f.leaf instanceof Tensor) && new Set(f.leaf).size === 1).map((f) => f.name);
        const hint = uniform.length ? `\n  (the example's '${uniform.join("', '")}' are all equal: a padding mask built from them cannot be told from a constant; trace with unequal lengths)` : '';
        throw new Error(`exportOnnx: the graph traced for the example does not hold for other sizes of the dynamic axes:\n  ${problems.join('\n  ')}${hint}`);
      }
    }
  } finally {
    for (const t of owned) t.dispose();
    move.restore();
  }
  warnings.push(...cudaFallbackWarnings(proto));
  return { bytes: encodeModel(proto), warnings, model: proto, inputNames: first.inputNames, outputNames: first.outputNames };
}
