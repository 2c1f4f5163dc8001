/**
 * GraphBuilder: collects initializers, nodes, graph inputs and outputs with unique names, and
 * assembles a ModelProto. Layer emitters (layers.ts, recurrent.ts) only talk to this class.
 */
import { AttributeType, DataType, type AttributeProto, type Dimension, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../proto/codec.js';

/** Attribute values: integers → INT, `{ float }` → FLOAT, strings → STRING, arrays → INTS/FLOATS/STRINGS. */
export type AttrValue = number | string | { float: number } | { floats: number[] } | number[] | string[];

/** A dimension: a fixed size or a symbolic name such as `'batch'`. */
export type Dim = number | string;

export type ElemType = 'float32' | 'int32' | 'int64' | 'bool';

const ELEM: Record<ElemType, number> = { float32: DataType.FLOAT, int32: DataType.INT32, int64: DataType.INT64, bool: DataType.BOOL };
const utf8 = new TextEncoder();

/** Host-side tensor data (what `await t.data()` gives), ready to become an initializer. */
export interface HostTensor {
  shape: readonly number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

/** Opset → the lowest IR version that allows it (onnx/onnx docs/Versioning.md). */
export function irVersionFor(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 10) return 5;
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  return 11;
}

function toAttribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute '${name}': ${v} is not an integer (use { float: ${v} })`);
    return { name, type: AttributeType.INT, i: v };
  }
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: utf8.encode(v) };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return { name, type: AttributeType.STRINGS, strings: (v as string[]).map((x) => utf8.encode(x)) };
    return { name, type: AttributeType.INTS, ints: v as number[] };
  }
  if ('floats' in v) return { name, type: AttributeType.FLOATS, floats: v.floats };
  return { name, type: AttributeType.FLOAT, f: v.float };
}

function rawBytes(data: HostTensor['data']): Uint8Array {
  // ONNX raw_data is little-endian, as are typed arrays on every platform Node and browsers run on.
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

export interface BuildModelOptions {
  opset: number;
  producerName: string;
  producerVersion: string;
  graphName: string;
  docString?: string;
  metadata?: Record<string, string>;
}

/**
 * Builds one ONNX graph.
 *
 * @example
 * const g = new GraphBuilder();
 * const x = g.input('x', 'float32', ['batch', 4]);
 * const [y] = g.node('Relu', [x]);
 * g.output(y!, 'y', 'float32', ['batch', 4]);
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private readonly used = new Set<string>();

  /** `base` if free, else `base_1`, `base_2`, …; reserves the result. */
  unique(base: string): string {
    let name = base, k = 0;
    while (this.used.has(name)) name = `${base}_${++k}`;
    this.used.add(name);
    return name;
  }

  /** Adds a weight initializer (raw little-endian data); returns its value name. */
  initializer(base: string, t: HostTensor, docString?: string): string {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) throw new Error(`initializer '${base}': shape [${t.shape.join(', ')}] holds ${size} values, data has ${t.data.length}`);
    const name = this.unique(base);
    const dataType = t.data instanceof Float32Array ? DataType.FLOAT : t.data instanceof Int32Array ? DataType.INT32 : DataType.INT64;
    this.initializers.push({ name, dims: [...t.shape], dataType, rawData: rawBytes(t.data), ...(docString ? { docString } : {}) });
    return name;
  }

  /** A 1-D int64 constant initializer (shapes, axes, slice bounds). */
  int64s(base: string, values: readonly number[]): string {
    return this.initializer(base, { shape: [values.length], data: BigInt64Array.from(values.map((v) => BigInt(v))) });
  }

  /** Declares a graph input; returns its name. */
  input(name: string, type: ElemType, dims: readonly Dim[], docString?: string): string {
    const n = this.unique(name);
    if (n !== name) throw new Error(`input '${name}': the name is already used in the graph`);
    this.inputs.push(valueInfo(name, type, dims, docString));
    return name;
  }

  /**
   * Declares a graph output named `name`, fed by value `value` (an Identity is added when the names
   * differ, so graph outputs keep stable public names).
   */
  output(value: string, name: string, type: ElemType, dims: readonly Dim[], docString?: string): string {
    if (value !== name) {
      if (this.used.has(name)) throw new Error(`output '${name}': the name is already used in the graph`);
      this.used.add(name);
      this.nodes.push({ input: [value], output: [name], name: this.unique(`${name}_identity`), opType: 'Identity', attribute: [] });
    }
    this.outputs.push(valueInfo(name, type, dims, docString));
    return name;
  }

  /**
   * Appends a node. Inputs may be '' for skipped optional inputs; trailing '' are dropped.
   * Returns the `numOutputs` output names (made unique from `name`).
   */
  node(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, opts: { name?: string; numOutputs?: number; outputNames?: string[] } = {}): string[] {
    const name = this.unique(opts.name ?? opType);
    const ins = [...inputs];
    while (ins.length && ins[ins.length - 1] === '') ins.pop();
    const count = opts.outputNames?.length ?? opts.numOutputs ?? 1;
    const outs = Array.from({ length: count }, (_, i) => {
      const want = opts.outputNames?.[i];
      return want === '' ? '' : this.unique(want ?? (count === 1 ? `${name}_out` : `${name}_out${i}`));
    });
    const attribute = Object.entries(attrs).map(([k, v]) => toAttribute(k, v));
    this.nodes.push({ input: ins, output: outs, name, opType, attribute });
    return outs;
  }

  /** Assembles the model (opset of the default domain only). */
  build(o: BuildModelOptions): ModelProto {
    const metadataProps = Object.entries(o.metadata ?? {}).map(([key, value]) => ({ key, value }));
    return {
      irVersion: irVersionFor(o.opset),
      opsetImport: [{ domain: '', version: o.opset }],
      producerName: o.producerName,
      producerVersion: o.producerVersion,
      ...(o.docString ? { docString: o.docString } : {}),
      graph: { name: o.graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
      ...(metadataProps.length ? { metadataProps } : {}),
    };
  }
}

function valueInfo(name: string, type: ElemType, dims: readonly Dim[], docString?: string): ValueInfoProto {
  const dim: Dimension[] = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: ELEM[type], shape: { dim } } }, ...(docString ? { docString } : {}) };
}
