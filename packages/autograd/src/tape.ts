/**
 * The recording side of autograd. Each recorded kernel becomes a node holding only what its rule
 * saves. Nodes are reference-counted by their live outputs and by the nodes that consume them, so
 * a graph is freed as soon as the tensors that could still be differentiated are disposed — the
 * PyTorch lifetime model, with `dispose()` in place of the garbage collector.
 */
import { addDisposeListener, addKernelListener, isFloat, retainHandle, setRecordingHint, type KernelEvent, type Tensor } from '@recur/tensor';
import { NON_DIFFERENTIABLE } from '@recur/tensor/backend';
import { getGrad, type GradConfig } from './grad-registry.js';
import { installGradRules } from './grads/index.js';

export class GradNode {
  /** Live output tensors plus consuming nodes. */
  refs = 0;
  /** Set after a backward pass released the saved tensors. */
  consumed = false;
  constructor(
    readonly name: string,
    readonly rule: GradConfig,
    readonly attrs: Readonly<Record<string, unknown>>,
    readonly inputIds: readonly number[],
    readonly parents: readonly (GradNode | undefined)[],
    readonly needs: readonly boolean[],
    readonly inputShapes: readonly (readonly number[])[],
    readonly inputDtypes: readonly string[],
    readonly outputIds: readonly number[],
    readonly outputShapes: readonly (readonly number[])[],
    readonly outputDtypes: readonly string[],
    public savedInputs: (Tensor | undefined)[],
    public savedOutputs: (Tensor | undefined)[],
  ) {}

  /** Disposes the saved tensors, except those `keep` says are still in use elsewhere. */
  releaseSaved(keep?: (t: Tensor) => boolean): void {
    for (const t of [...this.savedInputs, ...this.savedOutputs]) if (t && !keep?.(t)) t.dispose();
    this.savedInputs = [];
    this.savedOutputs = [];
  }
}

class Tape {
  /** Producing node of each tracked tensor id. */
  readonly nodeOf = new Map<number, GradNode>();
  /** Watched leaves (tensor id → watch count). */
  readonly leaves = new Map<number, number>();
  noGradDepth = 0;
  private installed = false;

  install(): void {
    installGradRules();
    if (this.installed) return;
    this.installed = true;
    addKernelListener((e) => this.record(e));
    addDisposeListener((t) => this.onDispose(t));
    setRecordingHint((inputs) => this.noGradDepth === 0 && inputs.some((t) => this.isTracked(t.id)));
  }

  isTracked(id: number): boolean {
    return this.nodeOf.has(id) || this.leaves.has(id);
  }

  private record(e: KernelEvent): void {
    if (this.noGradDepth > 0 || NON_DIFFERENTIABLE.has(e.name)) return;
    let any = false;
    const needs = e.inputs.map((t) => {
      const tracked = this.isTracked(t.id);
      any ||= tracked;
      return tracked;
    });
    if (!any || !e.outputs.some((o) => isFloat(o.dtype))) return;
    const rule = getGrad(e.name);
    if (!rule) {
      throw new Error(`autograd: kernel '${e.name}' has no gradient rule; wrap the call in noGrad() or define one with defineGrad`);
    }
    const spec = rule.save?.(needs) ?? {};
    const savedInputs = e.inputs.map((t, i) => (spec.inputs?.includes(i) ? retainHandle(t) : undefined));
    const savedOutputs = e.outputs.map((t, i) => (spec.outputs?.includes(i) ? retainHandle(t) : undefined));
    const parents = e.inputs.map((t) => this.nodeOf.get(t.id));
    const node = new GradNode(
      e.name, rule, e.attrs, e.inputs.map((t) => t.id), parents, needs,
      e.inputs.map((t) => t.shape), e.inputs.map((t) => t.dtype),
      e.outputs.map((t) => t.id), e.outputs.map((t) => t.shape), e.outputs.map((t) => t.dtype),
      savedInputs, savedOutputs,
    );
    for (const p of parents) if (p) p.refs++;
    for (const o of e.outputs) {
      if (!isFloat(o.dtype)) continue;
      this.nodeOf.set(o.id, node);
      node.refs++;
    }
  }

  private onDispose(t: { readonly id: number }): void {
    const count = this.leaves.get(t.id);
    if (count !== undefined) this.leaves.delete(t.id);
    const node = this.nodeOf.get(t.id);
    if (!node) return;
    this.nodeOf.delete(t.id);
    this.unref(node);
  }

  /** Drops one reference; frees the node (and, transitively, unreferenced parents) at zero. */
  unref(node: GradNode): void {
    const stack = [node];
    while (stack.length) {
      const n = stack.pop()!;
      if (--n.refs > 0) continue;
      n.releaseSaved();
      for (const p of n.parents) if (p) stack.push(p);
    }
  }

  watch(t: Tensor): void {
    this.install();
    this.leaves.set(t.id, (this.leaves.get(t.id) ?? 0) + 1);
  }

  unwatch(t: Tensor): void {
    const c = this.leaves.get(t.id);
    if (c === undefined) return;
    if (c <= 1) this.leaves.delete(t.id);
    else this.leaves.set(t.id, c - 1);
  }
}

const KEY = Symbol.for('@recur/autograd.tape');
const g = globalThis as unknown as Record<symbol, Tape | undefined>;
export const TAPE: Tape = g[KEY] ?? (g[KEY] = new Tape());
