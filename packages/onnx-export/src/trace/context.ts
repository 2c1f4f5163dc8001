/**
 * The graph being built from one trace: traced values (by tensor id) with their symbolic shapes,
 * node naming by module path, constants, and the runtime shape helpers (Shape → Gather → Concat)
 * that dynamic reshapes need.
 */
import type { DType } from '@recur/tensor';
import { GraphBuilder, type HostTensor } from '../graph/builder.js';
import { DataType } from '../proto/codec.js';
import { isStatic, type SymDim, type SymShape, type SymValues } from './symbolic.js';

/** A value in the graph: its name, symbolic shape and Recur dtype. */
export interface TracedValue {
  name: string;
  sym: SymShape;
  dtype: DType;
}

/** ONNX TensorProto data types of the Recur dtypes an export can carry. */
export const ONNX_DTYPE: Partial<Record<DType, number>> = { float32: DataType.FLOAT, int32: DataType.INT32, bool: DataType.BOOL };

/** Where a symbol's size can be read at run time: axis `axis` of graph input `value`. */
interface SymSource {
  value: string;
  axis: number;
}

export class TraceGraph {
  readonly g = new GraphBuilder();
  /** Current module path ('' at the model itself), set by the tracer. */
  path = '';
  private readonly sources = new Map<string, SymSource>();
  private readonly symValues = new Map<string, string>();
  private readonly shapes = new Map<string, string>();

  constructor(readonly opset: number, readonly sizes: SymValues) {}

  /** Records that symbol `sym` is the size of `axis` of graph input `value`. */
  addSource(sym: string, value: string, axis: number): void {
    if (!this.sources.has(sym)) this.sources.set(sym, { value, axis });
  }

  /** Appends a node named after the current module path; returns its outputs. */
  node(op: string, inputs: readonly string[], attrs: Parameters<GraphBuilder['node']>[2] = {}, numOutputs = 1): string[] {
    const name = this.path ? `${this.path}/${op}` : op;
    return this.g.node(op, inputs, attrs, { name, numOutputs });
  }

  node1(op: string, inputs: readonly string[], attrs: Parameters<GraphBuilder['node']>[2] = {}): string {
    return this.node(op, inputs, attrs)[0]!;
  }

  int64s(values: readonly number[], base = 'const'): string {
    return this.g.int64s(this.path ? `${this.path}.${base}` : base, values);
  }

  /** A rank-0 int64 constant (Range bounds). */
  int64Scalar(v: number): string {
    return this.g.initializer(this.path ? `${this.path}.scalar` : 'scalar', { shape: [], data: BigInt64Array.of(BigInt(v)) });
  }

  /** A constant initializer from host data (bool data is stored as int32 and cast). */
  constant(data: HostTensor['data'] | Uint8Array, shape: readonly number[], dtype: DType, base: string): string {
    const name = this.path ? `${this.path}.${base}` : base;
    if (dtype === 'bool') {
      const i = this.g.initializer(name, { shape, data: Int32Array.from(data as Uint8Array) });
      return this.node1('Cast', [i], { to: DataType.BOOL });
    }
    return this.g.initializer(name, { shape, data: data as HostTensor['data'] });
  }

  /** The run-time size of one symbol, as an int64 [1] value. */
  private symbolSize(sym: string): string {
    const have = this.symValues.get(sym);
    if (have) return have;
    const src = this.sources.get(sym);
    if (!src) throw new Error(`exportOnnx: dynamic axis '${sym}' has no graph input to read its size from`);
    let shape = this.shapes.get(src.value);
    if (!shape) {
      shape = this.g.node('Shape', [src.value], {}, { name: `${src.value}/Shape` })[0]!;
      this.shapes.set(src.value, shape);
    }
    const v = this.g.node('Gather', [shape, this.g.int64s(`${sym}.axis`, [src.axis])], { axis: 0 }, { name: `${sym}/size` })[0]!;
    this.symValues.set(sym, v);
    return v;
  }

  /** The run-time size of a dynamic dimension, as an int64 [1] value. */
  dimValue(d: SymDim): string {
    let v = this.symbolSize(d.syms[0]!);
    for (const s of d.syms.slice(1)) v = this.node1('Mul', [v, this.symbolSize(s)]);
    if (d.k !== 1) v = this.node1('Mul', [v, this.int64s([d.k], 'k')]);
    return v;
  }

  /**
   * A shape for Reshape: a constant when static or when one dimension is dynamic (written as −1);
   * otherwise assembled at run time from the graph inputs' shapes.
   */
  reshapeTarget(sym: SymShape): string {
    const dyn = sym.filter((d) => !isStatic(d)).length;
    if (dyn <= 1) return this.int64s(sym.map((d) => (isStatic(d) ? d.k : -1)), 'shape');
    const parts = sym.map((d) => (isStatic(d) ? this.int64s([d.k], 'dim') : this.dimValue(d)));
    return this.node1('Concat', parts, { axis: 0 });
  }
}
