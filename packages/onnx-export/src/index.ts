/**
 * `@recur/onnx-export`: Recur models → standard ONNX (opset 14–21, default 17) that onnxruntime runs
 * unchanged on CPU, CUDA and WebGPU. Browser-safe; running, verifying and serving models with
 * onnxruntime-node lives in `@recur/onnx-export/node`.
 *
 * @example
 * import { exportOnnx } from '@recur/onnx-export';
 * const { bytes, warnings } = await exportOnnx(model.eval(), {
 *   inputs: [x, lengths], inputNames: ['x', 'lengths'], dynamicAxes: { x: { 0: 'seq', 1: 'batch' }, lengths: { 0: 'batch' } },
 * });
 */
export { exportOnnx, DEFAULT_OPSET, MIN_OPSET, MAX_OPSET, PRODUCER_NAME, PRODUCER_VERSION } from './export.js';
export type { ExportOptions, ExportResult } from './export.js';
export { exportSentimentModel, exportTextClassifier, CLASSIFIER_IO, WithProbabilities } from './sentiment.js';
export type { SentimentExportOptions, TextClassifierExportOptions } from './sentiment.js';
export { KERNEL_EMITTERS } from './trace/kernel-emitters.js';
export type { KernelEmitter, Refusal, EmittedValue } from './trace/kernel-emitters.js';
export type { ForwardArg, InputLeaf, HostInts, DynamicAxes } from './trace/io.js';
export { cudaFallbackWarnings } from './cuda-fallback.js';
export { checkModel } from './check.js';
export { hostWeights, hostTensor, recurrentSpec } from './modules.js';
export { tokenizerMetadata, readTokenizerSettings, TextIdEncoder } from './tokenizer.js';
export type { TokenizerSettings, TokenizerName, EncodedBatch } from './tokenizer.js';
export { GraphBuilder, irVersionFor } from './graph/builder.js';
export type { AttrValue, Dim, ElemType, HostTensor, BuildModelOptions } from './graph/builder.js';
export { emitRecurrent, reorderGates, activationsFor, torchKey } from './graph/recurrent.js';
export type { RecurrentSpec, RecurrentMode, RecurrentInputs, RecurrentValues } from './graph/recurrent.js';
export { encodeModel, decodeModel, DataType, AttributeType } from './proto/codec.js';
export { OnnxFormatError } from './proto/format-error.js';
export type { ModelProto, GraphProto, NodeProto, TensorProto, AttributeProto, ValueInfoProto } from './proto/codec.js';
