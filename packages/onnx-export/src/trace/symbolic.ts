/**
 * Symbolic dimensions for tracing. A traced tensor's dimension is `k · Π symbols` (e.g. `seq·batch`
 * after flattening [T, B, F] to [T·B, F]), where the symbols are the dynamic axes the user declared
 * on the graph inputs. Each trace also knows the symbols' sizes in its example, so every dimension
 * has a concrete size too. Emitters use the symbolic form to write shapes that stay valid for
 * other batch and sequence sizes; what cannot be expressed is frozen, and the second-trace check
 * (export.ts) names the node that froze it.
 */

/** `k · Π syms` (syms in order of appearance, repeats allowed). Static when `syms` is empty. */
export interface SymDim {
  k: number;
  syms: readonly string[];
}

export type SymShape = readonly SymDim[];

/** Sizes of the symbols in one trace. */
export type SymValues = ReadonlyMap<string, number>;

export const staticDim = (k: number): SymDim => ({ k, syms: [] });
export const symDim = (name: string): SymDim => ({ k: 1, syms: [name] });
export const isStatic = (d: SymDim): boolean => d.syms.length === 0;

export function concrete(d: SymDim, v: SymValues): number {
  return d.syms.reduce((n, s) => n * v.get(s)!, d.k);
}

export function sameDim(a: SymDim, b: SymDim): boolean {
  return a.k === b.k && a.syms.length === b.syms.length && [...a.syms].sort().join() === [...b.syms].sort().join();
}

/** `seq`, `2·batch`, `seq·batch`, `7`. */
export function showDim(d: SymDim): string {
  if (isStatic(d)) return String(d.k);
  return [...(d.k === 1 ? [] : [String(d.k)]), ...d.syms].join('·');
}

export function showShape(s: SymShape): string {
  return `[${s.map(showDim).join(', ')}]`;
}

/** The ONNX dim of a value_info: a number or one symbol's name (products become `seq*batch`). */
export function onnxDim(d: SymDim): number | string {
  if (isStatic(d)) return d.k;
  return d.k === 1 ? d.syms.join('*') : `${d.k}*${d.syms.join('*')}`;
}

export function mulDims(ds: readonly SymDim[]): SymDim {
  return { k: ds.reduce((n, d) => n * d.k, 1), syms: ds.flatMap((d) => d.syms) };
}

/** Numpy broadcasting of symbolic shapes (a static 1 yields to the other side). */
export function broadcastSym(shapes: readonly SymShape[]): SymShape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: SymDim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: SymDim = staticDim(1);
    for (const s of shapes) {
      const e = s[s.length - rank + i];
      if (!e || (isStatic(e) && e.k === 1)) continue;
      if (isStatic(d) && d.k === 1) d = e;
      else if (isStatic(d) && !isStatic(e)) d = e; // a constant of the example's size meets a dynamic dim: keep the dynamic one
    }
    out.push(d);
  }
  return out;
}

/**
 * The symbolic form of a reshape's target (given as the example's concrete sizes). Dimensions are
 * matched group by group (runs of input and output dims with equal products); inside a group
 * that splits a product, symbols are handed out in order. Returns null when the sizes cannot be
 * explained by the input's symbols (the reshape then freezes, and the second trace reports it).
 */
export function reshapeSym(input: SymShape, target: readonly number[], v: SymValues): SymDim[] | null {
  const ins = input.filter((d) => !(isStatic(d) && d.k === 1));
  const out: SymDim[] = target.map(() => staticDim(1));
  const outIdx = target.map((n, i) => [n, i] as const).filter(([n]) => n !== 1);
  let i = 0, j = 0;
  while (i < ins.length || j < outIdx.length) {
    if (i >= ins.length || j >= outIdx.length) return null;
    const gi = [ins[i++]!], gj = [outIdx[j++]!];
    let pi = concrete(gi[0]!, v), pj = gj[0]![0];
    while (pi !== pj) {
      if (pi < pj) {
        if (i >= ins.length) return null;
        gi.push(ins[i]!);
        pi *= concrete(ins[i++]!, v);
      } else {
        if (j >= outIdx.length) return null;
        gj.push(outIdx[j]!);
        pj *= outIdx[j++]![0];
      }
    }
    const prod = mulDims(gi);
    if (gj.length === 1) {
      out[gj[0]![1]] = prod;
      continue;
    }
    // Split a product over several outputs: each output but the last takes the first remaining
    // symbol whose size divides it (if any) times a static factor; the last takes what is left.
    const syms = [...prod.syms];
    let k = prod.k;
    for (const [g, [n, idx]] of gj.entries()) {
      if (g === gj.length - 1) {
        out[idx] = { k, syms };
        if (concrete(out[idx], v) !== n) return null;
        break;
      }
      const at = syms.findIndex((s) => n % v.get(s)! === 0);
      const mine = at >= 0 ? syms.splice(at, 1) : [];
      const factor = n / (mine.length ? v.get(mine[0]!)! : 1);
      if (k % factor !== 0) return null;
      k /= factor;
      out[idx] = { k: factor, syms: mine };
    }
  }
  return out;
}
