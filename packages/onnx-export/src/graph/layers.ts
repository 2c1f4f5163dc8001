/**
 * Feed-forward layers and activations → ONNX nodes: Embedding → Gather, Linear → Gemm (rank 2) or
 * MatMul + Add, Dropout → Identity (eval semantics), activations → their ONNX ops.
 */
import type { GraphBuilder, HostTensor } from './builder.js';

function need(weights: Record<string, HostTensor>, key: string, shape?: string): HostTensor {
  const t = weights[key];
  if (!t) throw new Error(`export: missing weight '${key}' (have: ${Object.keys(weights).join(', ')})`);
  if (shape !== undefined && t.shape.length !== shape.split(',').length) throw new Error(`export: '${key}' has shape [${t.shape.join(', ')}], expected rank ${shape.split(',').length} (${shape})`);
  return t;
}

/**
 * `ids` (int32 or int64, any shape) → rows of `${prefix}weight` [V, E]: ONNX Gather on axis 0.
 *
 * @example
 * const emb = emitEmbedding(g, weights, 'text', { prefix: 'embedding.' }); // [T, B] → [T, B, E]
 */
export function emitEmbedding(g: GraphBuilder, weights: Record<string, HostTensor>, ids: string, opts: { prefix?: string; name?: string } = {}): string {
  const prefix = opts.prefix ?? '', name = opts.name ?? 'embedding';
  const w = g.initializer(`${prefix}weight`, need(weights, `${prefix}weight`, 'V,E'));
  return g.node('Gather', [w, ids], { axis: 0 }, { name: `${name}/Gather` })[0]!;
}

/**
 * `x` [..., I] → [..., O] with PyTorch's `weight` [O, I] and optional `bias` [O]. Rank-2 inputs use
 * Gemm(transB=1); other ranks MatMul with the transposed weight, then Add.
 *
 * @example
 * const logits = emitLinear(g, weights, features, 2, { prefix: 'fc.' }); // [B, 2H] → [B, O]
 */
export function emitLinear(g: GraphBuilder, weights: Record<string, HostTensor>, x: string, rank: number, opts: { prefix?: string; name?: string } = {}): string {
  const prefix = opts.prefix ?? '', name = opts.name ?? 'linear';
  const wt = need(weights, `${prefix}weight`, 'O,I');
  const bt = weights[`${prefix}bias`];
  if (rank === 2) {
    const ins = [x, g.initializer(`${prefix}weight`, wt)];
    if (bt) ins.push(g.initializer(`${prefix}bias`, bt));
    return g.node('Gemm', ins, { transB: 1 }, { name: `${name}/Gemm` })[0]!;
  }
  const [O, I] = wt.shape as [number, number];
  const src = wt.data as Float32Array, tr = new Float32Array(O * I);
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) tr[i * O + o] = src[o * I + i]!;
  let [y] = g.node('MatMul', [x, g.initializer(`${prefix}weight_t`, { shape: [I, O], data: tr })], {}, { name: `${name}/MatMul` });
  if (bt) [y] = g.node('Add', [y!, g.initializer(`${prefix}bias`, bt)], {}, { name: `${name}/Add` });
  return y!;
}

/** Dropout in eval mode is the identity (the legacy PyTorch exporter refuses training-mode dropout). */
export function emitDropout(g: GraphBuilder, x: string, name = 'dropout'): string {
  return g.node('Identity', [x], {}, { name: `${name}/Identity` })[0]!;
}

/** Activations a Recur model may apply; `softmax`/`logSoftmax` act on the last axis. */
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'softmax' | 'logSoftmax';

const ACT_OP: Record<Activation, string> = { relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid', softmax: 'Softmax', logSoftmax: 'LogSoftmax' };

/**
 * Applies an activation.
 *
 * @example
 * const probs = emitActivation(g, logits, 'sigmoid');
 */
export function emitActivation(g: GraphBuilder, x: string, act: Activation, name?: string): string {
  const op = ACT_OP[act];
  const attrs: Record<string, number> = act === 'softmax' || act === 'logSoftmax' ? { axis: -1 } : {};
  return g.node(op, [x], attrs, { name: `${name ?? act}/${op}` })[0]!;
}

/** Transposes [A, B, C] → [B, A, C] (batch-first ↔ time-major). */
export function emitSwap01(g: GraphBuilder, x: string, name: string): string {
  return g.node('Transpose', [x], { perm: [1, 0, 2] }, { name })[0]!;
}
