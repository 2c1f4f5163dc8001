/**
 * A structural ONNX checker in TS, covering what `onnx.checker.check_model` checks for the graphs
 * Recur writes (and the recurrent rules of ONNX.md): IR/opset agreement, SSA names, topological
 * order, initializer sizes, attribute discriminators, graph I/O types, operator arity, and the
 * shapes and attributes of RNN/LSTM/GRU nodes.
 */
import { irVersionFor } from './graph/builder.js';
import { AttributeType, DataType, decodeModel, type AttributeProto, type ModelProto, type TensorProto } from './proto/codec.js';

/** [min inputs, max inputs, min outputs, max outputs] for the operators Recur emits. */
const ARITY: Record<string, [number, number, number, number]> = {
  Gather: [2, 2, 1, 1], Gemm: [2, 3, 1, 1], MatMul: [2, 2, 1, 1], Add: [2, 2, 1, 1], Identity: [1, 1, 1, 1],
  Relu: [1, 1, 1, 1], Tanh: [1, 1, 1, 1], Sigmoid: [1, 1, 1, 1], Softmax: [1, 1, 1, 1], LogSoftmax: [1, 1, 1, 1],
  Transpose: [1, 1, 1, 1], Reshape: [2, 2, 1, 1], Slice: [3, 5, 1, 1], Concat: [1, Infinity, 1, 1], Squeeze: [1, 2, 1, 1],
  RNN: [3, 6, 0, 2], GRU: [3, 6, 0, 2], LSTM: [3, 8, 0, 3], Cast: [1, 1, 1, 1],
  Neg: [1, 1, 1, 1], Exp: [1, 1, 1, 1], Log: [1, 1, 1, 1], Sqrt: [1, 1, 1, 1], Abs: [1, 1, 1, 1],
  Sub: [2, 2, 1, 1], Mul: [2, 2, 1, 1], Div: [2, 2, 1, 1], Max: [1, Infinity, 1, 1], Pow: [2, 2, 1, 1],
  Less: [2, 2, 1, 1], Equal: [2, 2, 1, 1], Where: [3, 3, 1, 1], ReduceSum: [1, 2, 1, 1], ReduceMax: [1, 2, 1, 1],
  ArgMax: [1, 1, 1, 1], Shape: [1, 1, 1, 1], Range: [3, 3, 1, 1], Unsqueeze: [2, 2, 1, 1], Pad: [2, 4, 1, 1],
};
const BYTES: Record<number, number> = { [DataType.FLOAT]: 4, [DataType.INT32]: 4, [DataType.INT64]: 8, [DataType.BOOL]: 1, [DataType.DOUBLE]: 8 };
const GATES: Record<string, number> = { RNN: 1, GRU: 3, LSTM: 4 };
const ACTS: Record<string, number> = { RNN: 1, GRU: 2, LSTM: 3 };
const VALUE_FIELD: Record<number, keyof AttributeProto> = {
  [AttributeType.FLOAT]: 'f', [AttributeType.INT]: 'i', [AttributeType.STRING]: 's', [AttributeType.TENSOR]: 't',
  [AttributeType.FLOATS]: 'floats', [AttributeType.INTS]: 'ints', [AttributeType.STRINGS]: 'strings',
};

function elementCount(t: TensorProto): number {
  return t.dims.reduce((a, b) => a * b, 1);
}

function storedCount(t: TensorProto): number | undefined {
  if (t.rawData) return BYTES[t.dataType] ? t.rawData.byteLength / BYTES[t.dataType]! : undefined;
  return t.floatData?.length ?? t.int32Data?.length ?? t.int64Data?.length ?? 0;
}

/**
 * Returns every problem found (empty = valid). Accepts bytes or a decoded model.
 *
 * @example
 * expect(checkModel(bytes)).toEqual([]);
 */
export function checkModel(input: Uint8Array | ModelProto): string[] {
  const m = input instanceof Uint8Array ? decodeModel(input) : input;
  const errs: string[] = [];
  const opset = m.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version;
  if (opset === undefined) errs.push('model: no opset_import for the default domain');
  else if (!(m.irVersion >= irVersionFor(opset))) errs.push(`model: ir_version ${m.irVersion} is too old for opset ${opset} (needs ≥ ${irVersionFor(opset)})`);
  const g = m.graph;
  if (!g.name) errs.push('graph: has no name');
  if (!g.output?.length) errs.push('graph: has no outputs');
  const defined = new Map<string, string>();
  const define = (name: string, what: string) => {
    if (!name) return errs.push(`${what}: empty value name`);
    if (defined.has(name)) errs.push(`${what}: value '${name}' is already defined by ${defined.get(name)} (graphs are SSA)`);
    else defined.set(name, what);
  };
  const inits = new Map<string, TensorProto>();
  for (const t of g.initializer ?? []) {
    define(t.name, `initializer '${t.name}'`);
    inits.set(t.name, t);
    if (!BYTES[t.dataType]) errs.push(`initializer '${t.name}': unsupported data_type ${t.dataType}`);
    if (t.dims.some((d) => !Number.isInteger(d) || d < 0)) errs.push(`initializer '${t.name}': bad dims [${t.dims.join(', ')}]`);
    const stored = storedCount(t);
    if (stored !== elementCount(t)) errs.push(`initializer '${t.name}': dims [${t.dims.join(', ')}] hold ${elementCount(t)} elements, data has ${stored}`);
  }
  for (const vi of [...(g.input ?? []), ...(g.output ?? [])]) {
    const tt = vi.type?.tensorType;
    if (!tt || !tt.elemType) errs.push(`value_info '${vi.name}': no tensor element type`);
    for (const d of tt?.shape?.dim ?? []) {
      if (d.dimValue === undefined && !d.dimParam) errs.push(`value_info '${vi.name}': a dimension has neither dim_value nor dim_param`);
    }
  }
  for (const vi of g.input ?? []) if (!inits.has(vi.name)) define(vi.name, `graph input '${vi.name}'`);
  const nodeNames = new Set<string>();
  for (const n of g.node) {
    const where = `node '${n.name}' (${n.opType})`;
    if (!n.name) errs.push(`${n.opType} node without a name`);
    else if (nodeNames.has(n.name)) errs.push(`${where}: duplicate node name`);
    nodeNames.add(n.name);
    const arity = ARITY[n.opType];
    if (!arity) errs.push(`${where}: operator not in Recur's export set`);
    else if (n.input.length < arity[0] || n.input.length > arity[1] || n.output.length < arity[2] || n.output.length > arity[3]) {
      errs.push(`${where}: ${n.input.length} inputs / ${n.output.length} outputs, expected ${arity[0]}–${arity[1]} / ${arity[2]}–${arity[3]}`);
    }
    n.input.forEach((i, k) => {
      if (i === '') {
        if (k < (arity?.[0] ?? 0)) errs.push(`${where}: required input ${k} is empty`);
      } else if (!defined.has(i)) errs.push(`${where}: input '${i}' is not defined before this node (not topologically sorted, or dangling)`);
    });
    for (const a of n.attribute) {
      const field = VALUE_FIELD[a.type];
      if (!field) errs.push(`${where}: attribute '${a.name}' has unsupported type ${a.type}`);
      else if (a[field] === undefined) errs.push(`${where}: attribute '${a.name}' says type ${a.type} but '${String(field)}' is unset`);
    }
    if (GATES[n.opType]) errs.push(...checkRecurrent(n.opType, where, n.attribute, n.input, inits));
    for (const o of n.output) if (o !== '') define(o, where);
  }
  for (const o of g.output ?? []) if (!defined.has(o.name)) errs.push(`graph output '${o.name}' is not produced by any node or input`);
  return errs;
}

function checkRecurrent(op: string, where: string, attrs: AttributeProto[], inputs: string[], inits: Map<string, TensorProto>): string[] {
  const errs: string[] = [];
  const get = (k: string) => attrs.find((a) => a.name === k);
  const H = get('hidden_size')?.i;
  if (!H || H <= 0) errs.push(`${where}: hidden_size missing or not positive`);
  const dir = get('direction')?.s ? new TextDecoder().decode(get('direction')!.s) : 'forward';
  if (!['forward', 'reverse', 'bidirectional'].includes(dir)) errs.push(`${where}: direction '${dir}' is not forward|reverse|bidirectional`);
  const D = dir === 'bidirectional' ? 2 : 1;
  const acts = get('activations')?.strings;
  if (acts && acts.length !== ACTS[op]! * D) errs.push(`${where}: ${acts.length} activations, expected ${ACTS[op]! * D} (${ACTS[op]} per direction × ${D})`);
  if ((get('layout')?.i ?? 0) !== 0) errs.push(`${where}: layout=1 is not supported by onnxruntime (write time-major, layout 0)`);
  if (!H) return errs;
  const G = GATES[op]! * H;
  const shape = (i: number) => inits.get(inputs[i] ?? '')?.dims;
  const W = shape(1), R = shape(2), B = shape(3);
  if (W && (W.length !== 3 || W[0] !== D || W[1] !== G)) errs.push(`${where}: W is [${W.join(', ')}], expected [${D}, ${G}, input_size]`);
  if (R && R.join() !== `${D},${G},${H}`) errs.push(`${where}: R is [${R.join(', ')}], expected [${D}, ${G}, ${H}]`);
  if (B && B.join() !== `${D},${2 * G}`) errs.push(`${where}: B is [${B.join(', ')}], expected [${D}, ${2 * G}]`);
  return errs;
}
