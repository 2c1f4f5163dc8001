/**
 * ONNX protobuf encoding and decoding through protobufjs, from the descriptor in onnx-schema.ts.
 * The plain-object types below mirror the messages (camelCase field names, int64 as JS numbers).
 */
import { OnnxFormatError } from './format-error.js';
import protobuf from 'protobufjs/light.js';
import { ONNX_SCHEMA } from './onnx-schema.js';

/** `TensorProto.DataType` values used by Recur. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
/** `AttributeProto.AttributeType` values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface TensorProto {
  name: string;
  dims: number[];
  dataType: number;
  /** Little-endian element bytes (how Recur writes every initializer). */
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  docString?: string;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain?: string;
  attribute: AttributeProto[];
  docString?: string;
}

export interface Dimension { dimValue?: number; dimParam?: string }

export interface ValueInfoProto {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: Dimension[] } } };
  docString?: string;
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
  docString?: string;
}

export interface OperatorSetIdProto { domain: string; version: number }
export interface StringStringEntryProto { key: string; value: string }

export interface ModelProto {
  irVersion: number;
  opsetImport: OperatorSetIdProto[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph: GraphProto;
  metadataProps?: StringStringEntryProto[];
}

let modelType: protobuf.Type | undefined;

/** The `onnx.ModelProto` message type (built once from the committed descriptor). */
export function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

/**
 * Serialises a model to ONNX protobuf bytes, after protobufjs' own field validation.
 *
 * @example
 * const bytes = encodeModel(model); // write to model.onnx
 */
export function encodeModel(model: ModelProto): Uint8Array {
  const T = modelProtoType();
  const problem = T.verify(model);
  if (problem) throw new Error(`encodeModel: invalid ModelProto: ${problem}`);
  return T.encode(T.fromObject(model)).finish();
}

/**
 * Parses ONNX protobuf bytes into plain objects (int64 as numbers, bytes as Uint8Array, defaults
 * filled in for repeated fields).
 *
 * @example
 * const model = decodeModel(await readFile('model.onnx'));
 * model.graph.node.map((n) => n.opType); // ['Transpose', 'LSTM', …]
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const T = modelProtoType();
  let msg: protobuf.Message;
  try {
    msg = T.decode(bytes);
  } catch (e) {
    throw new OnnxFormatError(`decodeModel: not an ONNX model (${bytes.length} bytes): ${(e as Error).message}`);
  }
  const obj = T.toObject(msg, { longs: Number, bytes: Uint8Array, arrays: true, defaults: false }) as ModelProto;
  if (!obj.graph) throw new OnnxFormatError(`decodeModel: the model (${bytes.length} bytes) has no graph`);
  return obj;
}
