/**
 * The dynamic-axes check: the model is traced a second time on inputs of other sizes, and the two
 * graphs must be the same up to nothing. A constant, attribute or output shape that differs was
 * fixed by the first trace (a shape the tracer could not express symbolically, or a host-side
 * constant of the example's size); the error names the node that uses it.
 */
import type { AttributeProto, GraphProto, NodeProto, TensorProto } from '../proto/codec.js';

function sameBytes(a: TensorProto, b: TensorProto): boolean {
  if (a.dims.join() !== b.dims.join() || a.dataType !== b.dataType) return false;
  const x = a.rawData ?? new Uint8Array(), y = b.rawData ?? new Uint8Array();
  if (x.byteLength !== y.byteLength) return false;
  for (let i = 0; i < x.byteLength; i++) if (x[i] !== y[i]) return false;
  return true;
}

const attrKey = (a: AttributeProto) => JSON.stringify([a.name, a.type, a.i, a.f, a.ints, a.floats, a.s ? [...a.s] : null, a.strings?.map((s) => [...s])]);

function describeInit(t: TensorProto): string {
  return `[${t.dims.join(', ')}]${t.dims.length <= 1 && t.rawData && t.dataType === 7 ? ` = [${[...new BigInt64Array(t.rawData.slice().buffer)].join(', ')}]` : ''}`;
}

/**
 * Compares the graph of the example with the graph of the second example; returns the problems
 * (empty when the graph does not depend on the dynamic sizes). `second` describes the sizes used.
 */
export function frozenShapeProblems(a: GraphProto, b: GraphProto, second: string): string[] {
  const out: string[] = [];
  const nodeOf = (g: GraphProto, value: string): NodeProto | undefined => g.node.find((n) => n.input.includes(value));
  const n = Math.min(a.node.length, b.node.length);
  for (let i = 0; i < n; i++) {
    const x = a.node[i]!, y = b.node[i]!;
    if (x.opType !== y.opType || x.name !== y.name) {
      out.push(`the graphs part at node '${x.name}' (${x.opType}), which is '${y.name}' (${y.opType}) for ${second}: what the trace recorded there depends on the example's sizes or values`);
      return out;
    }
    if (x.attribute.map(attrKey).join() !== y.attribute.map(attrKey).join()) {
      out.push(`node '${x.name}' (${x.opType}) has attributes that depend on the example's sizes (they differ for ${second})`);
    }
  }
  if (a.node.length !== b.node.length) out.push(`the graph has ${a.node.length} nodes for the example and ${b.node.length} for ${second}`);
  const bInits = new Map(b.initializer.map((t) => [t.name, t]));
  for (const t of a.initializer) {
    const u = bInits.get(t.name);
    if (u && sameBytes(t, u)) continue;
    const user = nodeOf(a, t.name);
    const where = user ? `node '${user.name}' (${user.opType})` : `initializer '${t.name}'`;
    out.push(`${where} froze a dynamic size: its constant '${t.name}' is ${describeInit(t)} for the example but ${u ? describeInit(u) : 'absent'} for ${second}`);
  }
  const dims = (g: GraphProto, i: number) => g.output[i]?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam ?? d.dimValue).join(', ');
  a.output.forEach((o, i) => {
    if (dims(a, i) !== dims(b, i)) out.push(`output '${o.name}' has shape [${dims(a, i)}] for the example but [${dims(b, i)}] for ${second}: a dynamic size was frozen before it`);
  });
  return out;
}
