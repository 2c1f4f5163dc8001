/**
 * The ONNX mapping of every Recur kernel, keyed by the kernel names of `@recur/tensor`
 * (`kernel-names.ts`): the same name ties the CPU kernel, the WGSL kernel, the gradient rule and
 * this emitter. The table is a `Record<KernelName, …>`, so a kernel added to Recur does not
 * compile here until it gets an emitter or an explicit refusal.
 */
import type { Tensor } from '@recur/tensor';
import type { KernelName, KernelSpecs } from '@recur/tensor/backend';
import { ONNX_DTYPE, type TraceGraph, type TracedValue } from './context.js';
import { emitFusedSequence } from './fused-sequence.js';
import { broadcastSym, concrete, isStatic, reshapeSym, sameDim, staticDim, type SymDim, type SymShape } from './symbolic.js';

/** One output of an emitted kernel: its value name and symbolic shape. */
export interface EmittedValue {
  name: string;
  sym: SymShape;
}

/**
 * Emits the nodes of one call of kernel `N`; returns one entry per kernel output. `attrs` is typed
 * by the kernel's contract (`KernelSpecs[N]` from `@recur/tensor/backend`).
 */
export type KernelEmitter<N extends KernelName = KernelName> =
  (cx: TraceGraph, ins: readonly TracedValue[], attrs: KernelSpecs[N], outs: readonly Tensor[]) => EmittedValue[];

/** A kernel that has no ONNX form, with the reason given to the user. */
export interface Refusal {
  refuse: string;
}

/** An emitter that reads no attrs: fits every kernel's entry. */
type PlainEmitter = (cx: TraceGraph, ins: readonly TracedValue[]) => EmittedValue[];
const same = (op: string): PlainEmitter => (cx, ins) => [{ name: cx.node1(op, [ins[0]!.name]), sym: ins[0]!.sym }];
const binary = (op: string): PlainEmitter => (cx, ins) => [{ name: cx.node1(op, ins.map((v) => v.name)), sym: broadcastSym(ins.map((v) => v.sym)) }];

function reduce(op: 'ReduceSum' | 'ReduceMax', axesAsInput: (opset: number) => boolean): KernelEmitter<'Sum' | 'Max'> {
  return (cx, [x], attrs) => {
    const { axes, keepDims } = attrs;
    const keepdims = keepDims ? 1 : 0;
    const name = axesAsInput(cx.opset)
      ? cx.node1(op, [x!.name, cx.int64s(axes, 'axes')], { keepdims })
      : cx.node1(op, [x!.name], { axes, keepdims });
    const sym = x!.sym.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [staticDim(1)] : []) : [d]));
    return [{ name, sym }];
  };
}

const SWAP_LAST = [0, 2, 1];

/**
 * Slice with dynamic-safe bounds: a full dynamic axis is left alone; a block that ends at a
 * dynamic axis's end is written from the end (negative start), so `x[T−1]` stays the last step.
 */
const slice: KernelEmitter<'Slice'> = (cx, [x], attrs) => {
  const { begin, size } = attrs;
  const full = x!.sym.map((d) => concrete(d, cx.sizes));
  const starts: number[] = [], ends: number[] = [], axes: number[] = [];
  const sym: SymDim[] = [];
  x!.sym.forEach((d, i) => {
    const b = begin[i]!, n = size[i]!;
    if (b === 0 && n === full[i]) return void sym.push(d);
    sym.push(staticDim(n));
    axes.push(i);
    if (!isStatic(d) && b + n === full[i]) {
      starts.push(b - full[i]!);
      ends.push(b - full[i]! + n === 0 ? Number.MAX_SAFE_INTEGER : b - full[i]! + n);
    } else {
      starts.push(b);
      ends.push(b + n);
    }
  });
  if (axes.length === 0) return [{ name: cx.node1('Identity', [x!.name]), sym }];
  return [{ name: cx.node1('Slice', [x!.name, cx.int64s(starts, 'starts'), cx.int64s(ends, 'ends'), cx.int64s(axes, 'axes')]), sym }];
};

const reshape: KernelEmitter<'Reshape'> = (cx, [x], attrs) => {
  const { shape } = attrs;
  const sym = reshapeSym(x!.sym, shape, cx.sizes) ?? shape.map(staticDim);
  return [{ name: cx.node1('Reshape', [x!.name, cx.reshapeTarget(sym)]), sym }];
};

const batchMatMul: KernelEmitter<'BatchMatMul'> = (cx, [a, b], attrs) => {
  const { transposeA, transposeB } = attrs;
  const t = (v: TracedValue, flag: boolean) => (flag ? { name: cx.node1('Transpose', [v.name], { perm: SWAP_LAST }), sym: SWAP_LAST.map((p) => v.sym[p]!) } : v);
  const ta = t(a!, transposeA), tb = t(b!, transposeB);
  const batch = broadcastSym([[ta.sym[0]!], [tb.sym[0]!]])[0]!;
  return [{ name: cx.node1('MatMul', [ta.name, tb.name]), sym: [batch, ta.sym[1]!, tb.sym[2]!] }];
};

const concat: KernelEmitter<'Concat'> = (cx, ins, attrs) => {
  const { axis } = attrs;
  const along = ins.map((v) => v.sym[axis]!);
  // Along the axis: a sum of static sizes, n copies of one dynamic size, or (frozen) the example's size.
  const total: SymDim = along.every(isStatic) ? staticDim(along.reduce((n, d) => n + d.k, 0))
    : along.every((d) => sameDim(d, along[0]!)) ? { k: along[0]!.k * along.length, syms: along[0]!.syms }
      : staticDim(along.reduce((n, d) => n + concrete(d, cx.sizes), 0));
  const sym = ins[0]!.sym.map((d, i) => (i === axis ? total : broadcastSym(ins.map((v) => [v.sym[i]!]))[0]!));
  return [{ name: cx.node1('Concat', ins.map((v) => v.name), { axis }), sym }];
};

const gather: KernelEmitter<'Gather'> = (cx, [x, idx], attrs) => {
  const { axis } = attrs;
  const sym = [...x!.sym.slice(0, axis), ...idx!.sym, ...x!.sym.slice(axis + 1)];
  return [{ name: cx.node1('Gather', [x!.name, idx!.name], { axis }), sym }];
};

const pad: KernelEmitter<'Pad'> = (cx, [x], attrs) => {
  const { paddings, value } = attrs;
  const pads = [...paddings.map((p) => p[0]), ...paddings.map((p) => p[1])];
  const cv = x!.dtype === 'int32' ? cx.constant(Int32Array.of(value), [], 'int32', 'pad_value') : cx.constant(Float32Array.of(value), [], 'float32', 'pad_value');
  const sym = x!.sym.map((d, i) => {
    const [lo, hi] = paddings[i]!;
    return lo + hi === 0 ? d : staticDim(concrete(d, cx.sizes) + lo + hi);
  });
  return [{ name: cx.node1('Pad', [x!.name, cx.int64s(pads, 'pads'), cv], { mode: 'constant' }), sym }];
};

const cast: KernelEmitter<'Cast'> = (cx, [x], attrs) => {
  const { dtype } = attrs;
  const to = ONNX_DTYPE[dtype];
  if (to === undefined) throw new Error(`exportOnnx: Cast to ${dtype} has no ONNX export (float32, int32 and bool only)`);
  return [{ name: cx.node1('Cast', [x!.name], { to }), sym: x!.sym }];
};

const argMax: KernelEmitter<'ArgMax'> = (cx, [x], attrs) => {
  const { axis, keepDims } = attrs;
  const i64 = cx.node1('ArgMax', [x!.name], { axis, keepdims: keepDims ? 1 : 0 });
  const sym = x!.sym.flatMap((d, i) => (i === axis ? (keepDims ? [staticDim(1)] : []) : [d]));
  return [{ name: cx.node1('Cast', [i64], { to: ONNX_DTYPE.int32! }), sym }];
};

const fill: KernelEmitter<'Fill'> = (cx, _ins, attrs, outs) => {
  const { shape, value, dtype } = attrs;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? new Float32Array(n).fill(value) : dtype === 'int32' || dtype === 'bool' ? new Int32Array(n).fill(value) : null;
  if (!data) throw new Error(`exportOnnx: Fill of ${dtype} ${JSON.stringify(outs[0]?.shape)} has no ONNX export`);
  return [{ name: cx.constant(dtype === 'bool' ? Uint8Array.from(data) : data, shape, dtype, 'fill'), sym: shape.map(staticDim) }];
};

const linear: PlainEmitter = (cx, [x, w, b]) => [{ name: cx.node1('Gemm', [x!.name, w!.name, b!.name], { transB: 1 }), sym: [x!.sym[0]!, w!.sym[0]!] }];

const GRAD = { refuse: 'it is a gradient kernel (training only); inference graphs never run it' };
const RANDOM = { refuse: 'it draws random numbers, which an ONNX graph cannot reproduce bit for bit; build random tensors outside forward' };

/**
 * Kernel name → ONNX emitter or refusal: the single mapping the tracer uses. Composite ops
 * (softmax, logSoftmax, mean, minimum, …) have no entry of their own: they run as kernels, and
 * their kernels are exported one by one.
 *
 * @example
 * const entry = KERNEL_EMITTERS.ScatterAdd;
 * if ('refuse' in entry) console.log(entry.refuse); // "it is the gradient of Gather (training only)"
 */
export const KERNEL_EMITTERS: { readonly [N in KernelName]: KernelEmitter<N> | PlainEmitter | Refusal } = {
  Neg: same('Neg'), Exp: same('Exp'), Log: same('Log'), Sqrt: same('Sqrt'), Tanh: same('Tanh'),
  Sigmoid: same('Sigmoid'), Relu: same('Relu'), Abs: same('Abs'),
  Add: binary('Add'), Sub: binary('Sub'), Mul: binary('Mul'), Div: binary('Div'), Maximum: binary('Max'), Pow: binary('Pow'),
  Less: binary('Less'), Equal: binary('Equal'), Where: binary('Where'),
  Sum: reduce('ReduceSum', () => true), Max: reduce('ReduceMax', (opset) => opset >= 18), ArgMax: argMax,
  BatchMatMul: batchMatMul, Linear: linear,
  Reshape: reshape,
  Transpose: (cx, [x], attrs) => {
    const { perm } = attrs;
    return [{ name: cx.node1('Transpose', [x!.name], { perm }), sym: perm.map((p) => x!.sym[p]!) }];
  },
  Slice: slice, Concat: concat, Pad: pad, Gather: gather, Cast: cast, Fill: fill,
  ScatterAdd: { refuse: 'it is the gradient of Gather (training only)' },
  RandomUniform: RANDOM, RandomNormal: RANDOM,
  Dropout: { refuse: 'dropout ran while tracing in eval mode (a forward that calls dropout() regardless of `training`); an exported graph has inference semantics' },
  AdamUpdate: { refuse: 'it is an optimizer step, not part of a forward pass' },
  LSTMSequence: emitFusedSequence('lstm'), GRUSequence: emitFusedSequence('gru'), RNNSequence: emitFusedSequence('rnn'),
  LSTMSequenceGrad: GRAD, GRUSequenceGrad: GRAD, RNNSequenceGrad: GRAD,
};
