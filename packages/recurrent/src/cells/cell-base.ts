/** Shared parameters and checks of RNNCell, LSTMCell and GRUCell (PyTorch's `RNNCellBase`). */
import { add, formatShape, matMul, type Tensor, zeros } from '@recur/tensor';
import { uniformInit } from '../init.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';

export interface CellOptions {
  inputSize: number;
  hiddenSize: number;
  /** Default true. */
  bias?: boolean;
  seed?: number;
}

export function checkSizes(op: string, sizes: Record<string, number>): void {
  for (const [k, v] of Object.entries(sizes)) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${op}: ${k} must be a positive integer, got ${v}`);
  }
}

/** One cell's `weight_ih` [G, I], `weight_hh` [G, H], `bias_ih`/`bias_hh` [G], all U(±1/√H). */
export abstract class CellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter | undefined;
  readonly biasHh: Parameter | undefined;

  constructor(opts: CellOptions, gates: number) {
    super(opts.seed);
    checkSizes(this.constructor.name, { inputSize: opts.inputSize, hiddenSize: opts.hiddenSize });
    const { inputSize: I, hiddenSize: H } = opts;
    this.inputSize = I;
    this.hiddenSize = H;
    const k = 1 / Math.sqrt(H), G = gates * H;
    this.weightIh = this.param('weight_ih', uniformInit([G, I], k, this.seedFor('weight_ih')));
    this.weightHh = this.param('weight_hh', uniformInit([G, H], k, this.seedFor('weight_hh')));
    const bias = opts.bias ?? true;
    this.biasIh = bias ? this.param('bias_ih', uniformInit([G], k, this.seedFor('bias_ih'))) : undefined;
    this.biasHh = bias ? this.param('bias_hh', uniformInit([G], k, this.seedFor('bias_hh'))) : undefined;
  }

  /** x [B, I] → x·W_ihᵀ + b_ih (+ b_hh when `withHiddenBias`) [B, G]. */
  protected project(x: Tensor, withHiddenBias: boolean): Tensor {
    let g = matMul(x, this.weightIh.value, { transposeB: true });
    if (this.biasIh) g = add(g, this.biasIh.value);
    if (withHiddenBias && this.biasHh) g = add(g, this.biasHh.value);
    return g;
  }

  /** Validates x [B, I] and a state [B, H] (zeros when absent). */
  protected checkInput(x: Tensor, state: Tensor | undefined, what = 'hx'): Tensor {
    const name = `${this.constructor.name}.forward`;
    if (x.rank !== 2 || x.shape[1] !== this.inputSize) {
      throw new Error(`${name}: input ${formatShape(x.shape)} should be [batch, input_size=${this.inputSize}]`);
    }
    const B = x.shape[0]!, H = this.hiddenSize;
    if (!state) return zeros([B, H], x.dtype);
    if (state.shape.join() !== `${B},${H}`) {
      throw new Error(`${name}: ${what} ${formatShape(state.shape)} should be [${B}, ${H}] (batch, hidden_size)`);
    }
    return state;
  }

  protected override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.biasIh ? '' : ', bias=False'}`;
  }
}
