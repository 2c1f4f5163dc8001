/** PyTorch's `nn.LSTM`, `nn.GRU` and `nn.RNN` as thin typed fronts over RecurrentBase. */
import type { Tensor } from '@recur/tensor';
import type { Nonlinearity } from '../cells/rnn-cell.js';
import { RecurrentBase, type GateRecord, type RecurrentForwardOptions, type RecurrentOptions } from './base.js';

export interface LstmOutput { output: Tensor; hN: Tensor; cN: Tensor; gates?: GateRecord[] }
export interface GruOutput { output: Tensor; hN: Tensor; gates?: GateRecord[] }

/**
 * Multi-layer LSTM (gates i, f, g, o), PyTorch's parameters, shapes and defaults.
 *
 * @example
 * const lstm = new LSTM({ inputSize: 100, hiddenSize: 256, numLayers: 2, bidirectional: true, dropout: 0.5 });
 * const { output, hN, cN } = lstm.forward(x, { lengths }); // x [T, B, 100] → output [T, B, 512], hN [4, B, 256]
 */
export class LSTM extends RecurrentBase {
  constructor(opts: RecurrentOptions) {
    super('lstm', opts);
  }

  override forward(input: Tensor, opts?: RecurrentForwardOptions): LstmOutput {
    return this.run(input, opts) as LstmOutput;
  }
}

/**
 * Multi-layer GRU (gates r, z, n with the reset applied after the hidden matmul, as PyTorch).
 *
 * @example
 * const gru = new GRU({ inputSize: 8, hiddenSize: 16, batchFirst: true });
 * const { output, hN } = gru.forward(x); // x [B, T, 8] → output [B, T, 16], hN [1, B, 16]
 */
export class GRU extends RecurrentBase {
  constructor(opts: RecurrentOptions) {
    super('gru', opts);
  }

  override forward(input: Tensor, opts?: Omit<RecurrentForwardOptions, 'c0'>): GruOutput {
    return this.run(input, opts) as GruOutput;
  }
}

export interface RNNOptions extends RecurrentOptions {
  /** Default 'tanh'. */
  nonlinearity?: Nonlinearity;
}

/**
 * Multi-layer Elman RNN, h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (or relu).
 *
 * @example
 * const rnn = new RNN({ inputSize: 3, hiddenSize: 5, nonlinearity: 'relu' });
 * const { output, hN } = rnn.forward(x);
 */
export class RNN extends RecurrentBase {
  constructor(opts: RNNOptions) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new Error(`RNN: unknown nonlinearity '${String(nl)}' (use 'tanh' or 'relu')`);
    super('rnn', opts, nl);
  }

  override forward(input: Tensor, opts?: Omit<RecurrentForwardOptions, 'c0' | 'returnGates'>): GruOutput {
    return this.run(input, opts) as GruOutput;
  }
}
