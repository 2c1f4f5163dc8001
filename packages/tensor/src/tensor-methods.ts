/**
 * Fluent tensor methods, PyTorch-style (`x.add(y).relu().sum(-1)`): sugar over the op functions,
 * which stay canonical. Declared here once as an interface that `Tensor` merges, and installed on
 * the prototype by the engine when it starts (no import side effect).
 */
import type { DType } from './dtype.js';
import * as ew from './ops/elementwise.js';
import { matMul, type MatMulOptions } from './ops/matmul.js';
import * as mv from './ops/movement.js';
import { logSoftmax, logSumExp, softmax } from './ops/nn.js';
import type { TensorLike } from './ops/op-utils.js';
import * as rd from './ops/reduce.js';
import type { Tensor } from './tensor.js';

/** Dims for reductions: one, several, or all when omitted; negative counts from the last. */
type Dims = number | readonly number[];

/**
 * The methods every {@link Tensor} has. Each returns a new tensor (tensors are immutable) and
 * accepts negative dims (−1 = last), as PyTorch does.
 *
 * @example
 * const h = x.matMul(w.transpose()).add(b).tanh(); // (B, H)
 * const last = out.select(0, -1);                  // the last time step of (T, B, H)
 * const [h1, h2] = hN.unbind(0);                   // the two directions of (2, B, H)
 */
export interface TensorMethods {
  add(y: TensorLike): Tensor;
  sub(y: TensorLike): Tensor;
  mul(y: TensorLike): Tensor;
  div(y: TensorLike): Tensor;
  pow(y: TensorLike): Tensor;
  maximum(y: TensorLike): Tensor;
  minimum(y: TensorLike): Tensor;
  less(y: TensorLike): Tensor;
  greater(y: TensorLike): Tensor;
  equal(y: TensorLike): Tensor;
  neg(): Tensor;
  exp(): Tensor;
  log(): Tensor;
  sqrt(): Tensor;
  tanh(): Tensor;
  sigmoid(): Tensor;
  relu(): Tensor;
  abs(): Tensor;
  square(): Tensor;
  reciprocal(): Tensor;
  softplus(): Tensor;
  clip(lo: number, hi: number): Tensor;
  /** Same values in another dtype. */
  cast(dtype: DType): Tensor;
  /** `this @ w` (batched over leading dims). */
  matMul(w: Tensor, opts?: MatMulOptions): Tensor;
  /** Sum over `dim` (all when omitted). @example x.sum(-1, true) */
  sum(dim?: Dims, keepDim?: boolean): Tensor;
  mean(dim?: Dims, keepDim?: boolean): Tensor;
  max(dim?: Dims, keepDim?: boolean): Tensor;
  min(dim?: Dims, keepDim?: boolean): Tensor;
  argMax(dim?: number, keepDim?: boolean): Tensor;
  softmax(dim?: number): Tensor;
  logSoftmax(dim?: number): Tensor;
  logSumExp(dim?: number, keepDim?: boolean): Tensor;
  /** New shape, as numbers or one array; one dim may be −1. @example x.reshape(2, -1) */
  reshape(...shape: number[] | [readonly number[]]): Tensor;
  /** Collapses dims `start..end` (inclusive, default all) into one. @example x.flatten(1) // (B, ·) */
  flatten(start?: number, end?: number): Tensor;
  /**
   * PyTorch's `transpose(dim0, dim1)`: swaps two dims; with no arguments reverses all dims (a
   * matrix transpose for 2-D). @example x.transpose(0, 1)
   */
  transpose(dim0?: number, dim1?: number): Tensor;
  /** Reorders dims. @example x.permute(1, 0, 2) */
  permute(...dims: number[]): Tensor;
  /** Removes size-1 dims (all, or `dim`). */
  squeeze(dim?: number): Tensor;
  /** Inserts a size-1 dim at `dim` (−1 = last). */
  unsqueeze(dim: number): Tensor;
  /** The slice at `index` along `dim`, that dim removed. @example x.select(0, -1) */
  select(dim: number, index: number): Tensor;
  /** Every slice along `dim`, that dim removed. */
  unbind(dim?: number): Tensor[];
  /** `length` elements of `dim` from `start` (negative counts from the end). */
  narrow(dim: number, start: number, length: number): Tensor;
  /** `chunks` equal pieces along `dim`. */
  chunk(chunks: number, dim?: number): Tensor[];
  /** Pieces of the given sizes (or of `size` each) along `dim`. */
  split(sizes: number | readonly number[], dim?: number): Tensor[];
}

/**
 * `Symbol.dispose`'s type where the consumer's TypeScript lib declares it (esnext.disposable, ES2025
 * or @types/node), else `never`: the declarations then compile under any lib, and `using` works
 * wherever the lib knows it.
 */
type DisposeSymbol = SymbolConstructor extends { readonly dispose: infer S extends symbol } ? S : never;

/** Frees the storage at the end of a `using` block: `using t = x.add(1);`. */
export type TensorDisposable = { [K in DisposeSymbol]: () => void };

const norm = (dim: number, rank: number) => (dim < 0 ? dim + rank : dim);

const methods: TensorMethods & ThisType<Tensor> = {
  add(y) { return ew.add(this, y); },
  sub(y) { return ew.sub(this, y); },
  mul(y) { return ew.mul(this, y); },
  div(y) { return ew.div(this, y); },
  pow(y) { return ew.pow(this, y); },
  maximum(y) { return ew.maximum(this, y); },
  minimum(y) { return ew.minimum(this, y); },
  less(y) { return ew.less(this, y); },
  greater(y) { return ew.greater(this, y); },
  equal(y) { return ew.equal(this, y); },
  neg() { return ew.neg(this); },
  exp() { return ew.exp(this); },
  log() { return ew.log(this); },
  sqrt() { return ew.sqrt(this); },
  tanh() { return ew.tanh(this); },
  sigmoid() { return ew.sigmoid(this); },
  relu() { return ew.relu(this); },
  abs() { return ew.abs(this); },
  square() { return ew.square(this); },
  reciprocal() { return ew.reciprocal(this); },
  softplus() { return ew.softplus(this); },
  clip(lo, hi) { return ew.clip(this, lo, hi); },
  cast(dtype) { return ew.cast(this, dtype); },
  matMul(w, opts) { return matMul(this, w, opts); },
  sum(dim, keepDim = false) { return rd.sum(this, dim, keepDim); },
  mean(dim, keepDim = false) { return rd.mean(this, dim, keepDim); },
  max(dim, keepDim = false) { return rd.max(this, dim, keepDim); },
  min(dim, keepDim = false) { return rd.min(this, dim, keepDim); },
  argMax(dim = -1, keepDim = false) { return rd.argMax(this, dim, keepDim); },
  softmax(dim = -1) { return softmax(this, dim); },
  logSoftmax(dim = -1) { return logSoftmax(this, dim); },
  logSumExp(dim = -1, keepDim = false) { return logSumExp(this, dim, keepDim); },
  reshape(...shape) {
    const s = Array.isArray(shape[0]) ? (shape[0] as readonly number[]) : (shape as number[]);
    return mv.reshape(this, s);
  },
  flatten(start = 0, end = -1) {
    if (this.rank === 0) return mv.reshape(this, [1]);
    const [a, b] = [norm(start, this.rank), norm(end, this.rank)];
    if (!(a >= 0 && b < this.rank && a <= b)) {
      throw new Error(`flatten: dims ${start}..${end} are out of range for rank ${this.rank}`);
    }
    const inner = this.shape.slice(a, b + 1).reduce((x, y) => x * y, 1);
    return mv.reshape(this, [...this.shape.slice(0, a), inner, ...this.shape.slice(b + 1)]);
  },
  transpose(dim0, dim1) {
    if (dim0 === undefined && dim1 === undefined) return mv.transpose(this);
    if (dim0 === undefined || dim1 === undefined) throw new Error('transpose: give two dims to swap, or none to reverse all');
    const perm = this.shape.map((_, i) => i);
    const [a, b] = [norm(dim0, this.rank), norm(dim1, this.rank)];
    if (!(a >= 0 && a < this.rank && b >= 0 && b < this.rank)) {
      throw new Error(`transpose: dims ${dim0} and ${dim1} are out of range for rank ${this.rank}`);
    }
    [perm[a], perm[b]] = [b, a];
    return mv.transpose(this, perm);
  },
  permute(...dims) { return mv.transpose(this, dims); },
  squeeze(dim) { return mv.squeeze(this, dim === undefined ? undefined : [dim]); },
  unsqueeze(dim) { return mv.expandDims(this, dim); },
  select(dim, index) { return mv.select(this, dim, index); },
  unbind(dim = 0) { return mv.unbind(this, dim); },
  narrow(dim, start, length) {
    const d = norm(dim, this.rank);
    if (!(d >= 0 && d < this.rank)) throw new Error(`narrow: dim ${dim} is out of range for rank ${this.rank}`);
    return mv.slice(this, this.shape.map((_, i) => (i === d ? start : 0)), this.shape.map((n, i) => (i === d ? length : n)));
  },
  chunk(chunks, dim = 0) { return mv.split(this, chunks, dim); },
  split(sizes, dim = 0) { return mv.split(this, sizes, dim); },
};

/** `Symbol.dispose` where the runtime has it (Node ≥ 20, current browsers). */
const disposeSymbol = (Symbol as { dispose?: symbol }).dispose;

/** Puts the fluent methods on `Tensor.prototype`; called once by the engine. */
export function installTensorMethods(proto: object): void {
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
  if (disposeSymbol) {
    Object.defineProperty(proto, disposeSymbol, {
      value(this: Tensor) { this.dispose(); }, writable: true, configurable: true, enumerable: false,
    });
  }
}
