/** Module: the parameter tree with PyTorch state_dict names, train/eval, state dicts and repr. */
import { noGrad } from '@recur/autograd';
import { cast, formatShape, keep, reshape, scope, type Tensor } from '@recur/tensor';
import { deriveSeed } from './init.js';
import { Parameter } from './parameter.js';

export interface LoadStateDictOptions {
  /** Require exactly the module's keys (default true, as PyTorch). */
  strict?: boolean;
}

/**
 * Base class of every layer. Subclasses register parameters and children explicitly, under the
 * names PyTorch's `state_dict` uses, whatever the TS field names are:
 *
 * @example
 * class Net extends Module {
 *   fc = this.module('fc', new Linear({ inFeatures: 4, outFeatures: 1 }));
 *   forward(x: Tensor) { return this.fc.forward(x); }
 * }
 * new Net().stateDict(); // { 'fc.weight': …, 'fc.bias': … }
 */
export abstract class Module {
  /** Dropout and friends read this; `train()`/`eval()` set it on the whole tree. */
  training = true;
  private readonly params = new Map<string, Parameter>();
  private readonly children = new Map<string, Module>();

  /** @param seed drives this module's initialisation (see init.ts); undefined = global stream. */
  constructor(protected readonly seed?: number) {}

  /** Registers a parameter under `name` (its state_dict key within this module). */
  protected param(name: string, value: Tensor, requiresGrad = true): Parameter {
    if (this.params.has(name) || this.children.has(name)) {
      value.dispose();
      throw new Error(`${this.constructor.name}: '${name}' is already registered`);
    }
    const p = new Parameter(value, requiresGrad, name);
    this.params.set(name, p);
    return p;
  }

  /** Registers a child module under `name` (prefix of its keys: `rnn.weight_ih_l0`). */
  protected module<M extends Module>(name: string, m: M): M {
    if (this.params.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: '${name}' is already registered`);
    }
    this.children.set(name, m);
    return m;
  }

  /** The seed for a named parameter or child, derived from this module's seed. */
  protected seedFor(name: string): number | undefined {
    return deriveSeed(this.seed, name);
  }

  /** [key, parameter] pairs in registration order, keys as in PyTorch's state_dict. */
  namedParameters(prefix = ''): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    for (const [n, p] of this.params) out.push([prefix + n, p]);
    for (const [n, m] of this.children) out.push(...m.namedParameters(`${prefix}${n}.`));
    return out;
  }

  /** Every parameter (trainable or frozen), in state_dict order. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Parameters with `requiresGrad` (what an optimizer should get). */
  trainableParameters(): Parameter[] {
    return this.parameters().filter((p) => p.requiresGrad);
  }

  /** Direct children, in registration order. */
  namedChildren(): Array<[string, Module]> {
    return [...this.children];
  }

  /** Total number of scalars (optionally only trainable ones). */
  numParameters(trainableOnly = false): number {
    return this.parameters().filter((p) => !trainableOnly || p.requiresGrad).reduce((n, p) => n + p.value.size, 0);
  }

  train(mode = true): this {
    this.training = mode;
    for (const m of this.children.values()) m.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /**
   * The live parameter values by state_dict key (no copies, like PyTorch: do not dispose them).
   *
   * @example
   * const bytes = await writeSafetensors(model.stateDict());
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [k, p] of this.namedParameters()) out[k] = p.value;
    return out;
  }

  /**
   * Copies values in by key. Strict (the default) checks first that no key is missing or extra and
   * that every shape matches, naming the key and both shapes, and changes nothing on error. The
   * record stays the caller's (values are shared, not moved); float64 values are cast.
   *
   * @example
   * model.loadStateDict(readSafetensors(bytes));
   */
  loadStateDict(record: Record<string, Tensor>, opts: LoadStateDictOptions = {}): void {
    const strict = opts.strict ?? true;
    const own = new Map(this.namedParameters());
    const problems: string[] = [];
    if (strict) {
      const missing = [...own.keys()].filter((k) => !(k in record));
      const extra = Object.keys(record).filter((k) => !own.has(k));
      if (missing.length) problems.push(`missing key(s): ${missing.join(', ')}`);
      if (extra.length) problems.push(`unexpected key(s): ${extra.join(', ')}`);
    }
    for (const [k, p] of own) {
      const t = record[k];
      if (!t) continue;
      if (t.disposed) problems.push(`'${k}' was disposed`);
      else if (t.shape.join() !== p.shape.join()) {
        problems.push(`size mismatch for '${k}': checkpoint has ${formatShape(t.shape)}, the model has ${formatShape(p.shape)}`);
      } else if (t.dtype !== p.value.dtype && !(t.dtype === 'float64' && p.value.dtype === 'float32')) {
        problems.push(`dtype mismatch for '${k}': checkpoint has ${t.dtype}, the model has ${p.value.dtype}`);
      }
    }
    if (problems.length) {
      throw new Error(`${this.constructor.name}.loadStateDict: ${problems.join('; ')}`);
    }
    for (const [k, p] of own) {
      const t = record[k];
      if (!t) continue;
      // Same dtype: a new handle on the same storage (tensors are immutable), no copy.
      const dt = p.value.dtype;
      p.assign(keep(noGrad(() => scope(() => (t.dtype === dt ? reshape(t, t.shape) : cast(t, dt))))));
    }
  }

  /** Frees every parameter of the tree. */
  dispose(): void {
    for (const p of this.params.values()) p.dispose();
    for (const m of this.children.values()) m.dispose();
  }

  /** The part inside the parentheses of PyTorch's repr, e.g. `100, 256, num_layers=2`. */
  protected extraRepr(): string {
    return '';
  }

  /** PyTorch-style tree without the parameter count (the format of `nn.Module.__repr__`). */
  repr(): string {
    const extra = this.extraRepr();
    if (this.children.size === 0) return `${this.constructor.name}(${extra})`;
    const lines = extra ? extra.split('\n') : [];
    for (const [n, m] of this.children) lines.push(`(${n}): ${m.repr().split('\n').join('\n  ')}`);
    return `${this.constructor.name}(\n  ${lines.join('\n  ')}\n)`;
  }

  /** PyTorch-style repr followed by the parameter count, e.g. `Parameters: 4,810,857`. */
  toString(): string {
    const total = this.numParameters(), trainable = this.numParameters(true);
    const fmt = (n: number) => n.toLocaleString('en-US');
    const tail = trainable === total ? '' : ` (trainable ${fmt(trainable)})`;
    return `${this.repr()}\nParameters: ${fmt(total)}${tail}`;
  }
}
