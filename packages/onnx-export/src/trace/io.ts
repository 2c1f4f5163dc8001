/**
 * Forward arguments ↔ graph inputs, forward results ↔ graph outputs, and the second example
 * (other sizes for every dynamic axis) that the export traces to find frozen shapes.
 */
import { randomNormal, tensor, Tensor } from '@recur/tensor';

/** Per-sequence lengths and other host integer vectors: int32 [n] graph inputs. */
export type HostInts = Int32Array | readonly number[];
/** One graph input's example value. */
export type InputLeaf = Tensor | HostInts;
/** One argument of `forward`: a tensor, host integers, or an options record of them (`{ lengths, h0 }`). */
export type ForwardArg = InputLeaf | { readonly [key: string]: InputLeaf | undefined } | undefined;

/** `{ inputOrOutputName: { axis: 'symbol' } }`, PyTorch's `dynamic_axes`. */
export type DynamicAxes = Record<string, Record<number, string>>;

export interface FlatInput {
  name: string;
  leaf: InputLeaf;
  /** Argument index, and the record key when the leaf sits in an options record. */
  arg: number;
  key?: string;
}

const isHostInts = (v: unknown): v is HostInts => v instanceof Int32Array || (Array.isArray(v) && v.every((x) => typeof x === 'number'));
const isLeaf = (v: unknown): v is InputLeaf => v instanceof Tensor || isHostInts(v);

/** The graph inputs of `args`, named by `names` in order, else by record key or `input`/`input_i`. */
export function flattenInputs(op: string, args: readonly ForwardArg[], names?: readonly string[]): FlatInput[] {
  const out: FlatInput[] = [];
  const positional = args.filter(isLeaf).length;
  let p = 0;
  args.forEach((a, arg) => {
    if (a === undefined) return;
    if (isLeaf(a)) {
      out.push({ name: positional === 1 ? 'input' : `input_${p}`, leaf: a, arg });
      p++;
      return;
    }
    if (typeof a !== 'object') throw new Error(`${op}: argument ${arg} is ${typeof a}; pass tensors, integer arrays, or records of them`);
    for (const [key, v] of Object.entries(a)) {
      if (v === undefined) continue;
      if (!isLeaf(v)) throw new Error(`${op}: argument ${arg}.${key} is not a tensor or an integer array`);
      out.push({ name: key, leaf: v, arg, key });
    }
  });
  if (names) {
    if (names.length !== out.length) throw new Error(`${op}: ${names.length} input names for ${out.length} inputs (${out.map((f) => f.name).join(', ')})`);
    names.forEach((n, i) => (out[i]!.name = n));
  }
  const seen = new Set<string>();
  for (const f of out) {
    if (seen.has(f.name)) throw new Error(`${op}: two inputs are named '${f.name}'; pass inputNames`);
    seen.add(f.name);
  }
  return out;
}

/** `args` with each leaf replaced by `leaves[i]` (same order as flattenInputs). */
export function rebuildArgs(args: readonly ForwardArg[], flat: readonly FlatInput[], leaves: readonly InputLeaf[]): ForwardArg[] {
  const out: ForwardArg[] = args.map((a) => (a !== undefined && !isLeaf(a) && typeof a === 'object' ? { ...a } : a));
  flat.forEach((f, i) => {
    if (f.key === undefined) out[f.arg] = leaves[i];
    else (out[f.arg] as Record<string, InputLeaf>)[f.key] = leaves[i]!;
  });
  return out;
}

/** Tensors of a forward result with their default output names. */
export function flattenOutputs(op: string, result: unknown, names?: readonly string[]): Array<[string, Tensor]> {
  let out: Array<[string, Tensor]>;
  if (result instanceof Tensor) out = [['output', result]];
  else if (Array.isArray(result)) out = result.map((t, i) => [`output_${i}`, t as Tensor]);
  else if (result && typeof result === 'object') out = Object.entries(result).filter(([, t]) => t instanceof Tensor) as Array<[string, Tensor]>;
  else throw new Error(`${op}: forward returned ${String(result)}; it must return a tensor, an array of tensors or a record of tensors`);
  for (const [n, t] of out) if (!(t instanceof Tensor)) throw new Error(`${op}: output '${n}' is not a tensor`);
  if (out.length === 0) throw new Error(`${op}: forward returned no tensors`);
  if (names) {
    if (names.length !== out.length) throw new Error(`${op}: ${names.length} output names for ${out.length} outputs (${out.map(([n]) => n).join(', ')})`);
    out = out.map(([, t], i) => [names[i]!, t]);
  }
  return out;
}

/** A small deterministic integer stream (xorshift32) for the second example. */
function ints(seed: number): (lo: number, hi: number) => number {
  let s = seed >>> 0 || 1;
  return (lo, hi) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return lo + ((s >>> 0) % (hi - lo + 1));
  };
}

/**
 * The second example: every dynamic symbol gets a new size (the example's + `grow` + its index,
 * bumped until no two symbols share a size), floats are normal samples, int32 tensors stay in the
 * example's value range, and host lengths are spread over [1, T'] (T' = the new size of the axis
 * whose example size was their maximum), the first T' and the second 1. Returns the leaves and the new sizes.
 */
export async function secondExample(flat: readonly FlatInput[], axes: DynamicAxes, sizes: ReadonlyMap<string, number>, seed = 7, grow = 2): Promise<{ leaves: InputLeaf[]; sizes: Map<string, number> }> {
  const next = new Map<string, number>();
  [...sizes.keys()].forEach((s, i) => {
    let n = Math.max(1, sizes.get(s)! + grow + i);
    while ([...next.values()].includes(n)) n++; // distinct sizes, so no two axes can be confused
    next.set(s, n);
  });
  const rnd = ints(seed);
  const shapeOf = (f: FlatInput, shape: readonly number[]) => shape.map((n, a) => next.get(axes[f.name]?.[a] ?? '') ?? n);
  const leaves: InputLeaf[] = [];
  for (const f of flat) leaves.push(await other(f));
  return { leaves, sizes: next };

  async function other(f: FlatInput): Promise<InputLeaf> {
    if (f.leaf instanceof Tensor) {
      const shape = shapeOf(f, f.leaf.shape);
      if (f.leaf.dtype === 'float32') return randomNormal(shape, 0, 1, { seed: seed + 11 });
      if (f.leaf.dtype !== 'int32') throw new Error(`exportOnnx: input '${f.name}' is ${f.leaf.dtype}; graph inputs are float32 or int32`);
      const ex = (await f.leaf.data()) as Int32Array;
      const lo = Math.min(...ex), hi = Math.max(...ex);
      return tensor(Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rnd(lo, hi)), shape, 'int32');
    }
    const ex = Int32Array.from(f.leaf);
    const [n] = shapeOf(f, [ex.length]);
    const maxLen = Math.max(...ex);
    const timeSym = [...sizes].find(([s, v]) => v === maxLen && s !== axes[f.name]?.[0])?.[0];
    const T = timeSym ? next.get(timeSym)! : maxLen;
    // The longest and the shortest possible lengths first, so the padding masks are never all ones.
    return Int32Array.from({ length: n! }, (_, b) => (b === 0 ? T : b === 1 ? 1 : rnd(1, T)));
  }
}
