/**
 * Inspection of one text: the prediction (the model's own forward, the same graph ONNX exports),
 * every layer's gate activations and hidden states (the recurrent layer's `returnGates`, on the
 * composite path), and leave-one-out token contributions from one batched forward.
 */
import { noGrad } from '@recur/autograd';
import type { RecurrentBase, RecurrentForwardOptions, RecurrentOutput, SentimentRNN } from '@recur/recurrent';
import { keep, scope, sigmoid, softmax, tensor, type Tensor } from '@recur/tensor';
import type { CellType } from '../model-config.js';
import type { InspectResult, LayerTrace } from '../protocol.js';

/** Probabilities from logits rows [N, O]: sigmoid → [1 − p, p] for one output, softmax otherwise. */
function probsOf(logits: Tensor): Tensor {
  return logits.shape[1] === 1 ? sigmoid(logits) : softmax(logits, 1);
}

function toRows(probs: Float32Array, n: number, O: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (O === 1) rows.push([1 - probs[i]!, probs[i]!]);
    else rows.push(Array.from(probs.subarray(i * O, (i + 1) * O)));
  }
  return rows;
}

/**
 * Hidden states of one layer/direction from its gates: LSTM h = o ⊙ tanh(c); GRU
 * h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}, run backwards in time for the reverse direction.
 */
export function hiddenFromGates(cell: CellType, gates: Float32Array, cells: Float32Array | undefined, T: number, H: number, reverse: boolean): Float32Array {
  const h = new Float32Array(T * H);
  if (cell === 'lstm') {
    for (let t = 0; t < T; t++) for (let u = 0; u < H; u++) h[t * H + u] = gates[t * 4 * H + 3 * H + u]! * Math.tanh(cells![t * H + u]!);
    return h;
  }
  const prev = new Float32Array(H);
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    for (let u = 0; u < H; u++) {
      const z = gates[t * 3 * H + H + u]!, n = gates[t * 3 * H + 2 * H + u]!;
      prev[u] = (1 - z) * n + z * prev[u]!;
      h[t * H + u] = prev[u]!;
    }
  }
  return h;
}

/** Inspects one encoded text (ids of its tokens). */
export async function inspectText(model: SentimentRNN, cell: CellType, ids: Int32Array, tokens: string[]): Promise<InspectResult> {
  const T = ids.length;
  if (T === 0) throw new Error('the text has no tokens for this model (type some words it knows)');
  model.eval();
  const rnn = model.rnn as RecurrentBase & { forward(x: Tensor, o?: RecurrentForwardOptions): RecurrentOutput };
  const H = rnn.hiddenSize;
  const D = rnn.bidirectional ? 2 : 1;
  const out = noGrad(() => scope(() => {
    const x = tensor(ids, [T, 1], 'int32'); // (T, 1)
    const logits = model.forward(x, [T]); // (1, O)
    const probs = probsOf(logits);
    // Gates need the composite path; a plain RNN has none, its last layer's output is the hidden state.
    const r = rnn.forward(model.embedding.forward(x), { lengths: [T], fused: false, ...(cell === 'rnn' ? {} : { returnGates: true }) });
    // Leave-one-out: T texts of T − 1 tokens, text k without token k.
    let occluded: Tensor | null = null;
    if (T > 1) {
      const batch = new Int32Array((T - 1) * T);
      for (let k = 0; k < T; k++) {
        let s = 0;
        for (let t = 0; t < T; t++) if (t !== k) batch[s++ * T + k] = ids[t]!;
      }
      occluded = keep(probsOf(model.forward(tensor(batch, [T - 1, T], 'int32'), new Int32Array(T).fill(T - 1)))); // (T, O)
    }
    return {
      logits: keep(logits), probs: keep(probs), output: keep(r.output), occluded,
      gates: (r.gates ?? []).map((g) => ({ layer: g.layer, direction: g.direction, gates: keep(g.gates), cells: g.cells ? keep(g.cells) : undefined })),
    };
  }));
  model.train();
  const all = [out.logits, out.probs, out.output, ...(out.occluded ? [out.occluded] : []), ...out.gates.flatMap((g) => (g.cells ? [g.gates, g.cells] : [g.gates]))];
  try {
    const O = out.logits.shape[1]!;
    const logits = Array.from(await out.logits.data());
    const probs = toRows((await out.probs.data()) as Float32Array, 1, O)[0]!;
    const predicted = probs.indexOf(Math.max(...probs));
    const occ = out.occluded ? toRows((await out.occluded.data()) as Float32Array, T, O) : [probs];
    const contributions = occ.map((p) => probs[predicted]! - p[predicted]!);
    const layers: LayerTrace[] = [];
    if (cell === 'rnn') {
      const y = (await out.output.data()) as Float32Array; // (T, 1, D·H)
      for (let d = 0; d < D; d++) {
        const hidden = new Float32Array(T * H);
        for (let t = 0; t < T; t++) hidden.set(y.subarray(t * D * H + d * H, t * D * H + (d + 1) * H), t * H);
        layers.push({ layer: rnn.numLayers - 1, direction: d, hiddenSize: H, hidden });
      }
    }
    for (const g of out.gates) {
      const gates = Float32Array.from(await g.gates.data()); // (T, 1, G·H)
      const cells = g.cells ? Float32Array.from(await g.cells.data()) : undefined; // (T, 1, H)
      const hidden = hiddenFromGates(cell, gates, cells, T, H, g.direction === 1);
      layers.push({ layer: g.layer, direction: g.direction, hiddenSize: H, gates, ...(cells ? { cells } : {}), hidden });
    }
    return { tokens, ids: Array.from(ids), logits, probs, predicted, layers, contributions };
  } finally {
    for (const t of all) t.dispose();
  }
}
