/** The backward pass: reverse topological walk from the output, accumulating cotangents. */
import { add, formatShape, keep, onesLike, scope, zeros, type Tensor } from '@recur/tensor';
import { TAPE, type GradNode } from './tape.js';

/** Nodes reachable from `root`, consumers before producers. */
function reverseTopo(root: GradNode): GradNode[] {
  const order: GradNode[] = [];
  const seen = new Set<GradNode>([root]);
  const stack: Array<[GradNode, number]> = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [node, i] = top;
    if (i < node.parents.length) {
      top[1]++;
      const p = node.parents[i];
      if (p && !seen.has(p)) {
        seen.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse();
}

/**
 * Gradients of `y` with respect to each tensor in `xs`, with cotangent `dy` (ones by default).
 * Runs without recording; frees the saved tensors of the graph it walks (a second backward
 * through the same graph throws). Returned gradients are kept: dispose them when done.
 */
export function gradients(y: Tensor, xs: readonly Tensor[], dy?: Tensor): Tensor[] {
  if (dy && dy.shape.join() !== y.shape.join()) {
    throw new Error(`backward: cotangent ${formatShape(dy.shape)} does not match output ${formatShape(y.shape)}`);
  }
  for (const x of xs) {
    x.assertAlive('backward');
    if (!TAPE.isTracked(x.id)) {
      throw new Error(`backward: tensor ${formatShape(x.shape)} (id ${x.id}) is not watched; pass it to valueAndGrad or watch() it before the forward pass`);
    }
  }
  const wanted = new Set(xs.map((x) => x.id));
  const root = TAPE.nodeOf.get(y.id);
  const order = root ? reverseTopo(root) : [];
  // Any consumed node on the path (not just the root: two losses may share a subgraph) has freed
  // its saved tensors, and its rule would fail on them with an unrelated message.
  if (order.some((n) => n.consumed)) {
    throw new Error('backward: this graph was already used by a backward pass and its saved tensors are freed; run the forward pass again');
  }
  TAPE.noGradDepth++;
  try {
    return scope(() => {
      const grads = new Grads(dy);
      grads.set(y.id, dy ?? onesLike(y));
      for (const node of order) {
        runNode(node, grads, wanted);
        // Each node runs once: what it saved is freed now, not after the whole walk, so peak memory
        // holds one layer's saved activations and gradients at a time, as PyTorch's refcounting does.
        node.consumed = true;
        node.releaseSaved((t) => grads.holds(t));
      }
      return xs.map((x) => keep(grads.get(x.id) ?? zeros(x.shape, x.dtype)));
    });
  } finally {
    TAPE.noGradDepth--;
  }
}

/**
 * Cotangents by tensor id. A cotangent is disposed as soon as nothing can read it again (its node
 * ran, or it was summed into another), unless it is the caller's `dy` or still held under another
 * id (a rule may pass one tensor through to several inputs).
 */
class Grads {
  private readonly byId = new Map<number, Tensor>();
  private readonly uses = new Map<Tensor, number>();
  constructor(private readonly callers?: Tensor) {}

  get(id: number): Tensor | undefined {
    return this.byId.get(id);
  }

  holds(t: Tensor): boolean {
    return this.uses.has(t);
  }

  set(id: number, t: Tensor): void {
    const prev = this.byId.get(id);
    this.byId.set(id, t);
    this.uses.set(t, (this.uses.get(t) ?? 0) + 1);
    if (prev) this.drop(prev);
  }

  delete(id: number): void {
    const prev = this.byId.get(id);
    if (!prev) return;
    this.byId.delete(id);
    this.drop(prev);
  }

  /** Frees `t` if no id holds it any more (and it is not the caller's). */
  free(t: Tensor): void {
    if (!this.uses.has(t) && t !== this.callers && !t.disposed) t.dispose();
  }

  private drop(t: Tensor): void {
    const n = (this.uses.get(t) ?? 1) - 1;
    if (n > 0) this.uses.set(t, n);
    else this.uses.delete(t);
  }
}

function runNode(node: GradNode, grads: Grads, wanted: Set<number>): void {
  const present = node.outputIds.map((id) => grads.get(id));
  if (present.every((g) => g === undefined)) return;
  // An output with no cotangent reads as zeros, made only if the rule reads it: a fused LSTM's
  // saved gates and cells ([T, B, 4H] and [T, B, H]) are outputs no rule reads, and zero-filling
  // them every step cost a pass over megabytes for nothing.
  const made: Tensor[] = [];
  const dys = lazyZeros(present, (i) => {
    const z = zeros(node.outputShapes[i]!, node.outputDtypes[i] as 'float32');
    made.push(z);
    return z;
  });
  for (const id of node.outputIds) if (!wanted.has(id)) grads.delete(id);
  const thunks = node.rule.backward(dys, {
    inputs: node.savedInputs, outputs: node.savedOutputs, attrs: node.attrs,
    inputShapes: node.inputShapes, inputDtypes: node.inputDtypes, outputShapes: node.outputShapes,
    needs: node.needs,
  });
  // Freed only after every thunk ran: a later thunk may read a tensor an earlier one returned (sub: dy, neg(dy)).
  const spent: Tensor[] = present.filter((g): g is Tensor => g !== undefined);
  node.inputIds.forEach((id, i) => {
    if (!node.needs[i]) return;
    const thunk = thunks[i];
    if (!thunk) return;
    const g = thunk();
    if (g.shape.join() !== node.inputShapes[i]!.join()) {
      throw new Error(`autograd: rule for ${node.name} gave gradient ${formatShape(g.shape)} for input ${i} of shape ${formatShape(node.inputShapes[i]!)}`);
    }
    const prev = grads.get(id);
    if (!prev) return grads.set(id, g);
    grads.set(id, add(prev, g));
    spent.push(prev, g);
  });
  // Zeros a thunk made on its first read of a missing cotangent are spent too.
  for (const t of [...spent, ...made]) grads.free(t); // unless still held under some id (passed through)
}

/**
 * `present` with each missing entry replaced by a getter that calls `make(i)` on first read (and
 * then holds its result): the cotangents a rule never reads are never created.
 */
function lazyZeros(present: readonly (Tensor | undefined)[], make: (i: number) => Tensor): Tensor[] {
  const out = present.slice() as Tensor[];
  present.forEach((g, i) => {
    if (g !== undefined) return;
    Object.defineProperty(out, i, {
      configurable: true, enumerable: true,
      get: () => {
        const z = make(i);
        Object.defineProperty(out, i, { value: z, configurable: true, enumerable: true, writable: false });
        return z;
      },
    });
  });
  return out;
}
