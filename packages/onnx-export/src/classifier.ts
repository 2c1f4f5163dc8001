/**
 * The seed's text classifier (bentrevett "Upgraded Sentiment Analysis"): Embedding → dropout →
 * packed RNN/LSTM/GRU → cat(h_n[-2], h_n[-1]) (or h_n[-1] one-way) → dropout → Linear. At
 * inference both dropouts are identities, so they emit nothing.
 */
import { Embedding, Linear, RecurrentBase, type Module } from '@recur/recurrent';
import type { GraphBuilder, HostTensor } from './graph/builder.js';
import { emitActivation, emitEmbedding, emitLinear } from './graph/layers.js';
import { emitRecurrent } from './graph/recurrent.js';
import { recurrentSpec } from './modules.js';

export interface ClassifierParts {
  embedding: [string, Embedding];
  rnn: [string, RecurrentBase];
  fc: [string, Linear];
}

/** Finds the Embedding, recurrent and Linear children (by type) of a classifier module, or null. */
export function findClassifierParts(model: Module): ClassifierParts | null {
  const kids = model.namedChildren();
  const embedding = kids.find(([, c]) => c instanceof Embedding) as [string, Embedding] | undefined;
  const rnn = kids.find(([, c]) => c instanceof RecurrentBase) as [string, RecurrentBase] | undefined;
  const fcs = kids.filter(([, c]) => c instanceof Linear) as Array<[string, Linear]>;
  if (!embedding || !rnn || fcs.length !== 1) return null;
  return { embedding, rnn, fc: fcs[0]! };
}

/** Graph input and output names of an exported classifier. */
export const CLASSIFIER_IO = { ids: 'text', lengths: 'lengths', logits: 'logits', probabilities: 'probabilities' } as const;

/**
 * Emits the classifier. Inputs: `text` int32 ids [seq, batch] ([batch, seq] when the RNN is
 * batch-first) and `lengths` int32 [batch]; outputs `logits` [batch, O] and `probabilities`
 * (sigmoid for one output, softmax otherwise). Returns a one-line description.
 */
export function emitClassifier(g: GraphBuilder, parts: ClassifierParts, weights: Record<string, HostTensor>, opts: { withLengths: boolean }): string {
  const [embName, emb] = parts.embedding, [rnnName, rnn] = parts.rnn, [fcName, fc] = parts.fc;
  const spec = recurrentSpec(rnn);
  const D = spec.bidirectional ? 2 : 1, H = spec.hiddenSize, O = fc.outFeatures;
  if (emb.embeddingDim !== spec.inputSize) throw new Error(`exportOnnx: embedding dim ${emb.embeddingDim} ≠ ${rnnName}.input_size ${spec.inputSize}`);
  if (fc.inFeatures !== D * H) throw new Error(`exportOnnx: ${fcName}.in_features ${fc.inFeatures} ≠ ${D}·hidden ${H} (the classifier head reads the last layer's final hidden states)`);
  const bf = rnn.batchFirst;
  const ids = g.input(CLASSIFIER_IO.ids, 'int32', bf ? ['batch', 'seq'] : ['seq', 'batch'], `token ids, ${bf ? 'batch-first [batch, seq]' : 'time-major [seq, batch]'}, padded with the pad index`);
  const lens = opts.withLengths ? g.input(CLASSIFIER_IO.lengths, 'int32', ['batch'], 'tokens per text, 1 ≤ len ≤ seq') : undefined;
  let x = emitEmbedding(g, weights, ids, { prefix: `${embName}.`, name: embName }); // (T, B, E) or (B, T, E)
  if (bf) [x] = g.node('Transpose', [x], { perm: [1, 0, 2] }, { name: `${embName}/to_time_major` }) as [string];
  const r = emitRecurrent(g, spec, weights, { x, sequenceLens: lens }, { prefix: `${rnnName}.`, name: rnnName });
  // Y_h of the last layer [D, B, H] → [B, D, H] → [B, D·H] = cat(h_n[-2], h_n[-1]) along features.
  const [hT] = g.node('Transpose', [r.lastLayerH], { perm: [1, 0, 2] }, { name: `${rnnName}/last_hidden_transpose` });
  const [hidden] = g.node('Reshape', [hT!, g.int64s(`${rnnName}.last_hidden_shape`, [0, D * H])], {}, { name: `${rnnName}/last_hidden_concat` });
  const logits = emitLinear(g, weights, hidden!, 2, { prefix: `${fcName}.`, name: fcName });
  g.output(logits, CLASSIFIER_IO.logits, 'float32', ['batch', O], 'classifier logits');
  const probs = emitActivation(g, logits, O === 1 ? 'sigmoid' : 'softmax', 'probabilities');
  g.output(probs, CLASSIFIER_IO.probabilities, 'float32', ['batch', O], O === 1 ? 'sigmoid(logits): probability of the positive class' : 'softmax(logits)');
  return `${emb.repr()} → ${rnn.repr()} → ${fc.repr()} classifier`;
}
