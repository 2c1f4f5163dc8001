/**
 * User-defined models that must export by tracing and match Recur on onnxruntime (issue 14's
 * list), each with example inputs and dynamic axes. Written the way a user writes them: masks
 * from host lengths with `tensor()`, pooling by hand, any composite of ops.
 */
import { Embedding, GRU, Linear, LSTM, maskedMaxPool, maskedMeanPool, Module, RNN, SentimentRNN, stepMask } from '@recur/recurrent';
import {
  add, concat, div, greater, logSoftmax, lstmSequence, max, mul, randomNormal, reshape, sigmoid, softmax, sum, tanh, tensor, transpose,
  where, zeros, type Tensor,
} from '@recur/tensor';
import type { DynamicAxes, ForwardArg } from '../src/index.js';

export interface ZooCase {
  name: string;
  make(): Module;
  /** Fresh example arguments (the caller disposes the tensors). */
  inputs(): ForwardArg[];
  inputNames?: string[];
  outputNames?: string[];
  dynamicAxes: DynamicAxes;
  /** ONNX op types that must appear (e.g. one LSTM node per layer). */
  expectOps?: Record<string, number>;
}

const T = 6, B = 3, V = 11;
const LENS = () => Int32Array.of(6, 2, 4);
/** Token ids [T, B] (or [B, T]), padded with id 1 past each length. */
function ids(batchFirst = false, lens = LENS()): Tensor {
  const d = new Int32Array(T * B);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) d[batchFirst ? b * T + t : t * B + b] = t < lens[b]! ? 2 + ((t * 5 + b * 3) % (V - 2)) : 1;
  return tensor(d, batchFirst ? [B, T] : [T, B], 'int32');
}
const TEXT_AXES: DynamicAxes = { ids: { 0: 'seq', 1: 'batch' }, lengths: { 0: 'batch' } };

/** Host-built padding mask [T, B, 1], as user code writes it. */
function hostMask(lens: Int32Array, steps: number): Tensor {
  const m = new Float32Array(steps * lens.length);
  for (let t = 0; t < steps; t++) for (let b = 0; b < lens.length; b++) m[t * lens.length + b] = t < lens[b]! ? 1 : 0;
  return reshape(tensor(m, [steps, lens.length]), [steps, lens.length, 1]);
}

/** Embedding → bi-GRU → [max over valid steps ; mean over valid steps] → Linear → softmax (the README's example). */
class PoolingClassifier extends Module {
  emb = this.module('emb', new Embedding({ numEmbeddings: V, embeddingDim: 5, paddingIdx: 1, seed: 1 }));
  rnn = this.module('rnn', new GRU({ inputSize: 5, hiddenSize: 4, bidirectional: true, seed: 2 }));
  fc = this.module('fc', new Linear({ inFeatures: 16, outFeatures: 3, seed: 3 }));
  forward(ids: Tensor, lengths: Int32Array): Tensor {
    const { output } = this.rnn.forward(this.emb.forward(ids), { lengths }); // (T, B, 8), zero past each length
    const mask = reshape(stepMask(lengths, ids.shape[0]!, lengths.length), [ids.shape[0]!, lengths.length, 1]); // (T, B, 1)
    const maxPool = max(where(greater(mask, 0), output, -Infinity), 0); // (B, 8)
    const meanPool = div(sum(output, 0), tensor(Float32Array.from(lengths), [lengths.length, 1])); // (B, 8)
    return softmax(this.fc.forward(concat([maxPool, meanPool], 1)), -1); // (B, 3)
  }
}

/** Character-level LM: per-step outputs → Linear → logSoftmax, [T, B, V]. */
class CharLM extends Module {
  emb = this.module('emb', new Embedding({ numEmbeddings: V, embeddingDim: 6, seed: 4 }));
  lstm = this.module('lstm', new LSTM({ inputSize: 6, hiddenSize: 5, numLayers: 2, seed: 5 }));
  head = this.module('head', new Linear({ inFeatures: 5, outFeatures: V, seed: 6 }));
  forward(x: Tensor): Tensor {
    const { output } = this.lstm.forward(this.emb.forward(x)); // (T, B, 5)
    return logSoftmax(this.head.forward(output), -1); // (T, B, V)
  }
}

/** A GRU then an LSTM on its outputs, with a residual add. */
class GruLstmResidual extends Module {
  gru = this.module('gru', new GRU({ inputSize: 4, hiddenSize: 6, seed: 7 }));
  lstm = this.module('lstm', new LSTM({ inputSize: 6, hiddenSize: 6, seed: 8 }));
  forward(x: Tensor, lengths: Int32Array): Tensor {
    const a = this.gru.forward(x, { lengths }).output; // (T, B, 6)
    return add(a, this.lstm.forward(a, { lengths }).output); // (T, B, 6)
  }
}

/** Batch-first input: a ReLU RNN whose last hidden state feeds a 3-class softmax. */
class BatchFirstReluClassifier extends Module {
  rnn = this.module('rnn', new RNN({ inputSize: 4, hiddenSize: 5, nonlinearity: 'relu', batchFirst: true, seed: 9 }));
  fc = this.module('fc', new Linear({ inFeatures: 5, outFeatures: 3, seed: 10 }));
  forward(x: Tensor, lengths: Int32Array): Tensor {
    const { hN } = this.rnn.forward(x, { lengths }); // (1, B, 5)
    return softmax(this.fc.forward(reshape(hN, [x.shape[0]!, 5])), -1); // (B, 3)
  }
}

/** Batch-first LSTM with Recur's own masked max and mean pooling over [B, T, ·] outputs. */
class BatchFirstPooled extends Module {
  lstm = this.module('lstm', new LSTM({ inputSize: 4, hiddenSize: 5, batchFirst: true, seed: 18 }));
  forward(x: Tensor, lengths: Int32Array): Tensor {
    const { output } = this.lstm.forward(x, { lengths }); // (B, T, 5)
    return concat([maskedMaxPool(output, lengths, true), maskedMeanPool(output, lengths, true)], 1); // (B, 10)
  }
}

/** Two outputs: logits and the sequence encoding. */
class TwoOutputs extends Module {
  enc = this.module('encoder', new EncoderBlock());
  fc = this.module('fc', new Linear({ inFeatures: 8, outFeatures: 2, seed: 11 }));
  forward(x: Tensor, lengths: Int32Array): { logits: Tensor; encoding: Tensor } {
    const encoding = this.enc.forward(x, lengths); // (B, 8)
    return { logits: this.fc.forward(encoding), encoding };
  }
}

class EncoderBlock extends Module {
  rnn = this.module('rnn', new LSTM({ inputSize: 4, hiddenSize: 4, bidirectional: true, seed: 12 }));
  forward(x: Tensor, lengths: Int32Array): Tensor {
    const { hN } = this.rnn.forward(x, { lengths }); // (2, B, 4)
    return reshape(transpose(hN, [1, 0, 2]), [x.shape[1]!, 8]); // (B, 8) = cat(h_fwd, h_bwd)
  }
}

/** Returns an array [outputs, final state] of a GRU started from a given initial state. */
class StatefulGru extends Module {
  gru = this.module('gru', new GRU({ inputSize: 4, hiddenSize: 3, numLayers: 2, seed: 19 }));
  forward(x: Tensor, h0: Tensor): Tensor[] {
    const { output, hN } = this.gru.forward(x, { h0 }); // (T, B, 3), (2, B, 3)
    return [output, hN];
  }
}

/** Gated pooling, a custom composite: Σ_t sigmoid(a_t) ⊙ tanh(b_t) over valid steps / length. */
class GatedPooling extends Module {
  rnn = this.module('rnn', new GRU({ inputSize: 4, hiddenSize: 5, seed: 13 }));
  gate = this.module('gate', new Linear({ inFeatures: 5, outFeatures: 3, seed: 14 }));
  value = this.module('value', new Linear({ inFeatures: 5, outFeatures: 3, seed: 15 }));
  forward(x: Tensor, lengths: Int32Array): Tensor {
    const { output } = this.rnn.forward(x, { lengths }); // (T, B, 5)
    const g = mul(sigmoid(this.gate.forward(output)), tanh(this.value.forward(output))); // (T, B, 3)
    return div(sum(mul(g, hostMask(lengths, x.shape[0]!)), 0), tensor(Float32Array.from(lengths), [lengths.length, 1])); // (B, 3)
  }
}

/** A model that calls the fused LSTM kernel itself (one direction, no layer object). */
class DirectFusedLstm extends Module {
  proj = this.module('proj', new Linear({ inFeatures: 4, outFeatures: 12, seed: 16 }));
  wHh = this.module('cell', new Linear({ inFeatures: 3, outFeatures: 12, bias: false, seed: 17 }));
  forward(x: Tensor): Tensor {
    const [steps, batch] = x.shape as [number, number, number];
    const xProj = this.proj.forward(x); // (T, B, 12)
    const h0 = zeros([batch, 3]);
    const mask = tensor(new Float32Array(steps * batch).fill(1), [steps, batch]);
    return lstmSequence(xProj, this.wHh.weight.value, h0, h0, mask, { keepState: false }).y; // (T, B, 3)
  }
}

const floatX = (shape: number[], seed: number) => randomNormal(shape, 0, 1, { seed });
const X_AXES: DynamicAxes = { x: { 0: 'seq', 1: 'batch' }, lengths: { 0: 'batch' } };

export const ZOO: ZooCase[] = [
  {
    name: 'seed classifier (SentimentRNN: Embedding → 2-layer bi-LSTM → last hidden states → Linear)',
    make: () => new SentimentRNN({ vocabSize: V, embeddingDim: 5, hiddenDim: 4, padIdx: 1, seed: 21 }),
    inputs: () => [ids(), LENS()], inputNames: ['ids', 'lengths'], outputNames: ['logits'], dynamicAxes: TEXT_AXES, expectOps: { LSTM: 2 },
  },
  {
    name: 'max- and mean-pooling over bi-GRU outputs, padding masked by lengths, 3-class softmax',
    make: () => new PoolingClassifier(), inputs: () => [ids(), LENS()], inputNames: ['ids', 'lengths'], dynamicAxes: TEXT_AXES, expectOps: { GRU: 1 },
  },
  {
    name: 'character-level LM: per-step Linear → logSoftmax, [T, B, V]',
    make: () => new CharLM(), inputs: () => [ids()], inputNames: ['ids'], outputNames: ['log_probs'], dynamicAxes: { ids: { 0: 'seq', 1: 'batch' } }, expectOps: { LSTM: 2 },
  },
  {
    name: 'GRU then LSTM stacked, residual add',
    make: () => new GruLstmResidual(), inputs: () => [floatX([T, B, 4], 31), LENS()], inputNames: ['x', 'lengths'], dynamicAxes: X_AXES, expectOps: { GRU: 1, LSTM: 1 },
  },
  {
    name: 'batch-first ReLU RNN, 3-class softmax',
    make: () => new BatchFirstReluClassifier(), inputs: () => [floatX([B, T, 4], 32), LENS()], inputNames: ['x', 'lengths'],
    dynamicAxes: { x: { 0: 'batch', 1: 'seq' }, lengths: { 0: 'batch' } }, expectOps: { RNN: 1 },
  },
  {
    name: 'batch-first LSTM with maskedMaxPool/maskedMeanPool over [B, T, H]',
    make: () => new BatchFirstPooled(), inputs: () => [floatX([B, T, 4], 36), LENS()], inputNames: ['x', 'lengths'],
    dynamicAxes: { x: { 0: 'batch', 1: 'seq' }, lengths: { 0: 'batch' } }, expectOps: { LSTM: 1 },
  },
  {
    name: 'two outputs (logits and encoding) from a nested encoder module',
    make: () => new TwoOutputs(), inputs: () => [floatX([T, B, 4], 33), LENS()], inputNames: ['x', 'lengths'], dynamicAxes: X_AXES, expectOps: { LSTM: 1 },
  },
  {
    name: 'an array of outputs, with the initial state as a graph input',
    make: () => new StatefulGru(), inputs: () => [floatX([T, B, 4], 37), randomNormal([2, B, 3], 0, 0.5, { seed: 38 })], inputNames: ['x', 'h0'],
    dynamicAxes: { x: { 0: 'seq', 1: 'batch' }, h0: { 1: 'batch' } }, expectOps: { GRU: 2 },
  },
  {
    name: 'gated pooling sigmoid(a) ⊙ tanh(b) over valid steps',
    make: () => new GatedPooling(), inputs: () => [floatX([T, B, 4], 34), LENS()], inputNames: ['x', 'lengths'], dynamicAxes: X_AXES, expectOps: { GRU: 1 },
  },
  {
    name: 'a direct call of the fused LSTMSequence kernel',
    make: () => new DirectFusedLstm(), inputs: () => [floatX([T, B, 4], 35)], inputNames: ['x'], dynamicAxes: {}, expectOps: { LSTM: 1 },
  },
];

