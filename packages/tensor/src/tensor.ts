/** The Tensor handle: immutable shape/dtype plus backend storage owned through the engine. */
import type { Backend, DataId } from './backend.js';
import type { DType, NestedArray, TypedArray } from './dtype.js';
import { fmt, sizeOf } from './shape.js';
import type { TensorDisposable, TensorMethods } from './tensor-methods.js';

/** What a tensor needs from the engine, kept as an interface so the two files do not cycle. */
export interface TensorOwner {
  disposeTensor(t: Tensor): void;
}

/**
 * An immutable n-dimensional array living on a backend. Create tensors with ops such as
 * `tensor()` or `zeros()`; free them with `dispose()`, `using`, or let a `scope()` do it. Every op
 * is also a method (see {@link TensorMethods}).
 *
 * @example
 * const t = tensor([1, 2, 3, 4], [2, 2]);
 * console.log(await t.array()); // [[1, 2], [3, 4]]
 * console.log(await t.sum(-1).array()); // [3, 7]
 * t.dispose();
 */
export class Tensor {
  readonly size: number;
  disposed = false;
  /** Set by `keep()`: scopes never dispose a kept tensor. */
  kept = false;
  /** Registered with the engine's finalizer (it lives outside every scope). */
  finalizable = false;
  /** Why the tensor was disposed, when its owner said (see {@link Tensor.disposeBecause}); errors quote it. */
  disposeReason: string | undefined = undefined;

  constructor(
    readonly id: number,
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly dataId: DataId,
    readonly backend: Backend,
    private readonly owner: TensorOwner,
  ) {
    this.size = sizeOf(shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Resolves with a copy of the values (works on every backend). */
  async data(): Promise<TypedArray> {
    this.assertAlive('data');
    return this.backend.read(this.dataId, this.dtype);
  }

  /** Synchronous copy of the values; throws on asynchronous backends such as WebGPU. */
  dataSync(): TypedArray {
    this.assertAlive('dataSync');
    if (!this.backend.readSync) {
      throw new Error(`dataSync: backend '${this.backend.name}' is asynchronous; use await t.data()`);
    }
    return this.backend.readSync(this.dataId, this.dtype);
  }

  /** Resolves with nested JS arrays (numbers; booleans for bool tensors). */
  async array(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape, this.dtype);
  }

  arraySync(): NestedArray {
    return toNested(this.dataSync(), this.shape, this.dtype);
  }

  /** Frees the storage; idempotent. */
  dispose(): void {
    if (!this.disposed) this.owner.disposeTensor(this);
  }

  /**
   * Frees the storage like `dispose()` and records why, so that a later use of this handle fails
   * with an error that explains it (e.g. a parameter's old value after an optimizer step).
   *
   * @example
   * old.disposeBecause('it was replaced by Parameter.assign; read param.value again');
   * add(old, 1); // throws "add: tensor 7 of shape [3] was disposed: it was replaced by …"
   */
  disposeBecause(reason: string): void {
    if (this.disposed) return;
    this.disposeReason = reason;
    this.dispose();
  }

  /** Scalar value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item: tensor of shape ${fmt(this.shape)} is not a scalar`);
    return (await this.data())[0]!;
  }

  toString(): string {
    return `Tensor(${fmt(this.shape)}, ${this.dtype}${this.disposed ? ', disposed' : ''})`;
  }

  assertAlive(op: string): void {
    if (this.disposed) {
      const why = this.disposeReason ? `: ${this.disposeReason}` : '';
      throw new Error(`${op}: tensor ${this.id} of shape ${fmt(this.shape)} was disposed${why}`);
    }
  }
}

/** The fluent methods (`x.add(y)`, `x.sum(-1)`, …) merge into the class; tensor-methods.ts installs them. */
export interface Tensor extends TensorMethods, TensorDisposable {}

function toNested(values: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const conv = (v: number) => (dtype === 'bool' ? v !== 0 : v);
  if (shape.length === 0) return conv(values[0]!);
  const build = (dim: number, offset: number, stride: number): NestedArray => {
    const n = shape[dim]!;
    const inner = stride / Math.max(n, 1);
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) {
      out.push(dim === shape.length - 1 ? conv(values[offset + i]!) : build(dim + 1, offset + i * inner, inner));
    }
    return out;
  };
  return build(0, 0, sizeOf(shape));
}
