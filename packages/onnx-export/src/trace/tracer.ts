/**
 * The tracer: runs `model.forward` once on example inputs with a kernel listener (the hook the
 * autograd tape uses), and turns each kernel call into ONNX nodes through KERNEL_EMITTERS as it
 * happens. Parameters become initializers named by their state_dict keys, other constants become
 * initializers, and tensors computed from the inputs become node outputs. Every module's
 * `forward` is wrapped for the duration of the trace to know the module path of each kernel
 * call; recurrent layers are recorded at the layer call (layer-call.ts).
 */
import { RecurrentBase, type Module, type RecurrentForwardOptions } from '@recur/recurrent';
import { addKernelListener, formatShape, scope, Tensor, type KernelEvent } from '@recur/tensor';
import type { KernelName, KernelSpecs } from '@recur/tensor/backend';
import type { HostTensor } from '../graph/builder.js';
import { TraceGraph, type TracedValue } from './context.js';
import { flattenInputs, flattenOutputs, rebuildArgs, type DynamicAxes, type ForwardArg, type InputLeaf } from './io.js';
import { KERNEL_EMITTERS, type KernelEmitter } from './kernel-emitters.js';
import { emitLayerCall } from './layer-call.js';
import { rebuildFromLengths, type LengthsInput } from './lengths-derived.js';
import { onnxDim, staticDim, symDim, type SymDim, type SymShape } from './symbolic.js';

export interface TraceOptions {
  args: readonly ForwardArg[];
  /** Replaces the example leaves (same order as the flattened args), for the second trace. */
  leaves?: readonly InputLeaf[];
  inputNames?: readonly string[];
  outputNames?: readonly string[];
  dynamicAxes: DynamicAxes;
  /** Doc strings of graph inputs and outputs by name. */
  docStrings?: Record<string, string>;
  opset: number;
  weights: Record<string, HostTensor>;
}

export interface TraceResult {
  cx: TraceGraph;
  inputNames: string[];
  outputNames: string[];
}

const ELEM = { float32: 'float32', int32: 'int32', bool: 'bool' } as const;

/** Runs one traced forward pass and returns the graph (not yet built into a ModelProto). */
export function traceForward(model: Module, o: TraceOptions): TraceResult {
  const flat = flattenInputs('exportOnnx', o.args, o.inputNames);
  const leaves = o.leaves ?? flat.map((f) => f.leaf);
  const args = o.leaves ? rebuildArgs(o.args, flat, leaves) : o.args;
  // Symbol sizes of this trace, from the inputs' dynamic axes.
  const sizes = new Map<string, number>();
  const shapeOfLeaf = (l: InputLeaf) => (l instanceof Tensor ? l.shape : [l.length]);
  flat.forEach((f, i) => {
    for (const [axis, sym] of Object.entries(o.dynamicAxes[f.name] ?? {})) {
      const n = shapeOfLeaf(leaves[i]!)[Number(axis)];
      if (n === undefined) throw new Error(`exportOnnx: dynamicAxes['${f.name}'] names axis ${axis}, but the input has shape ${formatShape(shapeOfLeaf(leaves[i]!))}`);
      if (sizes.has(sym) && sizes.get(sym) !== n) throw new Error(`exportOnnx: dynamic axis '${sym}' is ${sizes.get(sym)} in one input and ${n} in '${f.name}'`);
      sizes.set(sym, n);
    }
  });
  // The tracer tells dimensions apart by their sizes: a dynamic axis of size 1 looks like a broadcast,
  // and two dynamic axes of one size could be swapped.
  for (const [sym, n] of sizes) {
    if (n < 2) throw new Error(`exportOnnx: dynamic axis '${sym}' has size ${n} in the example; trace with a size ≥ 2`);
    const twin = [...sizes].find(([s2, n2]) => s2 !== sym && n2 === n);
    if (twin) throw new Error(`exportOnnx: dynamic axes '${sym}' and '${twin[0]}' both have size ${n} in the example; trace with different sizes`);
  }
  const cx = new TraceGraph(o.opset, sizes);
  const values = new Map<number, TracedValue>();
  const hostInputs = new Map<object, string>();
  const lengthsInputs: LengthsInput[] = [];
  const dynamicDims: SymDim[] = [];
  flat.forEach((f, i) => {
    const leaf = leaves[i]!;
    const sym: SymShape = shapeOfLeaf(leaf).map((n, a) => {
      const s = o.dynamicAxes[f.name]?.[a];
      if (!s) return staticDim(n);
      cx.addSource(s, f.name, a);
      dynamicDims.push(symDim(s));
      return symDim(s);
    });
    if (leaf instanceof Tensor) {
      const type = ELEM[leaf.dtype as keyof typeof ELEM];
      if (!type || type === 'bool') throw new Error(`exportOnnx: input '${f.name}' is ${leaf.dtype}; graph inputs are float32 or int32`);
      cx.g.input(f.name, type, sym.map(onnxDim), o.docStrings?.[f.name] ?? `${f.name}: ${leaf.dtype} [${sym.map(onnxDim).join(', ')}]`);
      values.set(leaf.id, { name: f.name, sym, dtype: leaf.dtype });
    } else {
      cx.g.input(f.name, 'int32', sym.map(onnxDim), o.docStrings?.[f.name] ?? `${f.name}: int32 [${sym.map(onnxDim).join(', ')}]`);
      hostInputs.set(leaf, f.name);
      lengthsInputs.push({ name: f.name, data: Int32Array.from(leaf), batch: sym[0]! });
    }
  });
  const paramName = new Map<number, string>();
  for (const [k, p] of model.namedParameters()) paramName.set(p.value.id, k);
  let constants = 0;

  const valueOf = (t: Tensor): TracedValue => {
    const known = values.get(t.id);
    if (known) return known;
    const key = paramName.get(t.id);
    let v: TracedValue | null = null;
    if (key !== undefined) {
      const w = o.weights[key];
      if (!w) throw new Error(`exportOnnx: parameter '${key}' has no host copy`);
      v = { name: cx.g.initializer(key, w), sym: t.shape.map(staticDim), dtype: t.dtype };
    } else {
      const data = t.dataSync();
      v = rebuildFromLengths(cx, t, data, lengthsInputs, dynamicDims);
      if (!v) {
        if (!['float32', 'int32', 'bool'].includes(t.dtype)) throw new Error(`exportOnnx: a ${t.dtype} constant ${formatShape(t.shape)} used at '${cx.path || '(model)'}' has no ONNX form (float32, int32, bool)`);
        const host = t.dtype === 'bool' ? Uint8Array.from(data as Uint8Array) : t.dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
        v = { name: cx.constant(host, t.shape, t.dtype, `const${constants++}`), sym: t.shape.map(staticDim), dtype: t.dtype };
      }
    }
    values.set(t.id, v);
    return v;
  };

  const lengthsValue = (lengths: RecurrentForwardOptions['lengths'], path: string): string => {
    const byIdentity = lengths && hostInputs.get(lengths as object);
    if (byIdentity) return byIdentity;
    const lens = Int32Array.from(lengths ?? []);
    const byValue = lengthsInputs.find((l) => l.data.length === lens.length && l.data.every((n, i) => n === lens[i]));
    if (byValue) return byValue.name;
    return cx.constant(lens, [lens.length], 'int32', 'lengths'); // not a graph input: frozen, and the second trace says so
  };

  let layerDepth = 0;
  const onKernel = (e: KernelEvent) => {
    if (layerDepth > 0) return;
    const entry = KERNEL_EMITTERS[e.name as KernelName];
    const where = () => `kernel '${e.name}' called from '${cx.path || '(model)'}' with inputs ${e.inputs.map((t) => formatShape(t.shape)).join(', ') || '(none)'} → outputs ${e.outputs.map((t) => formatShape(t.shape)).join(', ')}`;
    if (!entry) throw new Error(`exportOnnx: ${where()} has no ONNX mapping`);
    if ('refuse' in entry) throw new Error(`exportOnnx: ${where()} has no ONNX mapping: ${entry.refuse}`);
    const ins = e.inputs.map((t) => valueOf(t));
    const missing = ins.findIndex((v) => v.name === '');
    if (missing >= 0) throw new Error(`exportOnnx: ${where()}: input ${missing} is an output of a fused recurrent kernel that only exists for gradients (gates/cells), which ONNX does not produce`);
    // The event's kernel name picked the entry, so its attrs are that kernel's (KernelSpecs[name]).
    const outs = (entry as KernelEmitter)(cx, ins, e.attrs as KernelSpecs[KernelName], e.outputs);
    e.outputs.forEach((t, i) => values.set(t.id, { name: outs[i]!.name, sym: outs[i]!.sym, dtype: t.dtype }));
  };

  // Wrap every module's forward (own property, removed afterwards) to track module paths and layer calls.
  const restore: Array<() => void> = [];
  const wrap = (m: Module, path: string) => {
    for (const [n, c] of m.namedChildren()) wrap(c, path ? `${path}.${n}` : n);
    const self = m as unknown as { forward: (...a: unknown[]) => unknown };
    const orig = self.forward;
    const own = Object.prototype.hasOwnProperty.call(m, 'forward');
    self.forward = (...a: unknown[]) => {
      const saved = cx.path;
      cx.path = path;
      try {
        if (m instanceof RecurrentBase && layerDepth === 0) {
          const [input, opts = {}] = a as [Tensor, RecurrentForwardOptions?];
          if (opts.returnGates) throw new Error(`exportOnnx: '${path || '(model)'}' is called with returnGates; gate records have no ONNX form`);
          valueOf(input);
          if (opts.h0) valueOf(opts.h0);
          if (opts.c0) valueOf(opts.c0);
          layerDepth++;
          let out: { output: Tensor; hN: Tensor; cN?: Tensor };
          try {
            out = orig.apply(m, a) as typeof out;
          } finally {
            layerDepth--;
          }
          emitLayerCall({ cx, weights: o.weights, valueOf, lengthsValue, register: (t, v) => values.set(t.id, v) }, m, path, input, opts, out);
          return out;
        }
        return orig.apply(m, a);
      } finally {
        cx.path = saved;
      }
    };
    restore.push(() => {
      if (own) self.forward = orig;
      else delete (self as Partial<typeof self>).forward;
    });
  };

  const wasTraining = model.training;
  model.eval();
  // No gradient tape for the trace (noGrad without importing autograd): parameters stop being tracked meanwhile,
  // so the tape records nothing and fused recurrent kernels skip their backward state.
  const tracked = model.parameters().filter((p) => p.requiresGrad);
  for (const p of tracked) p.requiresGrad = false;
  wrap(model, '');
  const stop = addKernelListener(onKernel);
  let result: unknown;
  try {
    // In a scope: intermediates of a forward pass that does not scope itself are freed; the result is kept.
    result = scope(() => (model as unknown as { forward: (...a: unknown[]) => unknown }).forward(...args));
  } finally {
    stop();
    for (const r of restore.reverse()) r(); // last wrapped first: a module shared by two parents is unwrapped twice, in order
    for (const p of tracked) p.requiresGrad = true;
    if (wasTraining) model.train();
  }
  try {
    const outs = flattenOutputs('exportOnnx', result, o.outputNames);
    for (const [name, t] of outs) {
      const v = valueOf(t);
      if (v.name === '') throw new Error(`exportOnnx: output '${name}' is the training state of a fused recurrent kernel (gates/cells), which ONNX does not produce`);
      const dims = v.sym.map(onnxDim);
      for (const [axis, sym] of Object.entries(o.dynamicAxes[name] ?? {})) {
        if (dims[Number(axis)] !== sym) throw new Error(`exportOnnx: output '${name}' axis ${axis} is declared dynamic ('${sym}') but the trace gives it as ${dims[Number(axis)] ?? 'absent'} (shape [${dims.join(', ')}])`);
      }
      const type = ELEM[t.dtype as keyof typeof ELEM];
      if (!type) throw new Error(`exportOnnx: output '${name}' is ${t.dtype}`);
      cx.g.output(v.name, name, type, dims, o.docStrings?.[name] ?? `${name}: ${t.dtype} [${dims.join(', ')}]`);
    }
    const known = new Set([...flat.map((f) => f.name), ...outs.map(([n]) => n)]);
    const stray = Object.keys(o.dynamicAxes).filter((n) => !known.has(n));
    if (stray.length) throw new Error(`exportOnnx: dynamicAxes names ${stray.map((n) => `'${n}'`).join(', ')}, which is no input or output (inputs: ${flat.map((f) => f.name).join(', ')}; outputs: ${outs.map(([n]) => n).join(', ')})`);
    return { cx, inputNames: flat.map((f) => f.name), outputNames: outs.map(([n]) => n) };
  } finally {
    const keep = new Set<number>([...paramName.keys(), ...leaves.flatMap((l) => (l instanceof Tensor ? [l.id] : []))]);
    disposeResult(result, keep);
  }
}

/** Disposes the tensors of a forward result, except inputs and parameters returned as they are. */
function disposeResult(r: unknown, keep: ReadonlySet<number>): void {
  if (r instanceof Tensor) {
    if (!keep.has(r.id)) r.dispose();
  } else if (Array.isArray(r)) r.forEach((x) => disposeResult(x, keep));
  else if (r && typeof r === 'object') Object.values(r).forEach((x) => disposeResult(x, keep));
}
