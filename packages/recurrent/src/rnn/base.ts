/**
 * The multi-layer, optionally bidirectional recurrent layer shared by RNN, LSTM and GRU (PyTorch's
 * `RNNBase`). Per layer and direction it projects the whole input with one matmul, then hands the
 * time loop to one sequence op (`lstmSequence`/`gruSequence`/`rnnSequence` in @recur/tensor), which
 * itself picks the backend's fused kernel or the composite path and whether to keep backward state.
 */
import {
  add, concat, formatShape, gruSequence, linear, lstmSequence, reshape, rnnSequence, scope,
  slice, stack, transpose, type Tensor, zeros,
} from '@recur/tensor';
import { checkSizes } from '../cells/cell-base.js';
import type { Nonlinearity } from '../cells/rnn-cell.js';
import { uniformInit } from '../init.js';
import { dropout } from '../layers/dropout.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { checkLengths, needsMask, reverseIndices, reverseTime, stepMask, type Lengths } from './packing.js';

export type RnnMode = 'lstm' | 'gru' | 'rnn';

export interface RecurrentOptions {
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Default true. */
  bias?: boolean;
  /** Input and output as [B, T, ·] instead of [T, B, ·] (h_n/c_n stay [L·D, B, H], as PyTorch). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  bidirectional?: boolean;
  /** Use the backend's fused kernel when it has one (default true). */
  fused?: boolean;
  seed?: number;
}

export interface RecurrentForwardOptions {
  /** Initial hidden state [L·D, B, H] (zeros when absent). */
  h0?: Tensor;
  /** LSTM only: initial cell state [L·D, B, H]. */
  c0?: Tensor;
  /** Valid steps per sequence (1 ≤ len ≤ T): packed-sequence semantics, see packing.ts. */
  lengths?: Lengths;
  /** Also return per-step gate activations (and LSTM cell states) per layer and direction. */
  returnGates?: boolean;
  /** Override the layer's `fused` setting for this call. */
  fused?: boolean;
}

/** Gate activations of one layer and direction, time-major in original time order. */
export interface GateRecord {
  layer: number;
  /** 0 forward, 1 reverse. */
  direction: number;
  /** [T, B, G]: LSTM i,f,g,o (G = 4H); GRU r,z,n (G = 3H). Zero rows past each length are not guaranteed. */
  gates: Tensor;
  /** LSTM only: cell states [T, B, H]. */
  cells?: Tensor;
}

export interface RecurrentOutput {
  /** [T, B, D·H] (or [B, T, D·H] with batchFirst), zero past each length. */
  output: Tensor;
  /** [L·D, B, H]: the last valid step of each sequence, layer-major then direction. */
  hN: Tensor;
  cN?: Tensor;
  gates?: GateRecord[];
}

interface Weights { wIh: Parameter; wHh: Parameter; bIh?: Parameter; bHh?: Parameter }

const GATES: Record<RnnMode, number> = { lstm: 4, gru: 3, rnn: 1 };

export abstract class RecurrentBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly fused: boolean;
  protected readonly weights: Weights[][] = [];

  constructor(readonly mode: RnnMode, opts: RecurrentOptions, protected readonly nonlinearity: Nonlinearity = 'tanh') {
    super(opts.seed);
    const name = this.constructor.name;
    this.inputSize = opts.inputSize;
    this.hiddenSize = opts.hiddenSize;
    this.numLayers = opts.numLayers ?? 1;
    checkSizes(name, { inputSize: this.inputSize, hiddenSize: this.hiddenSize, numLayers: this.numLayers });
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new Error(`${name}: dropout must be in [0, 1], got ${this.dropout}`);
    this.bidirectional = opts.bidirectional ?? false;
    this.fused = opts.fused ?? true;
    const H = this.hiddenSize, G = GATES[mode] * H, k = 1 / Math.sqrt(H), D = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      const I = l === 0 ? this.inputSize : H * D;
      const layer: Weights[] = [];
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const mk = (n: string, shape: number[]) => this.param(n + sfx, uniformInit(shape, k, this.seedFor(n + sfx)));
        const w: Weights = { wIh: mk('weight_ih', [G, I]), wHh: mk('weight_hh', [G, H]) };
        if (this.bias) {
          w.bIh = mk('bias_ih', [G]);
          w.bHh = mk('bias_hh', [G]);
        }
        layer.push(w);
      }
      this.weights.push(layer);
    }
  }

  /**
   * input [T, B, I] (or [B, T, I] with batchFirst) → `{ output, hN, cN? (LSTM), gates? }`.
   *
   * @example
   * const { output, hN } = layer.forward(x, { lengths: [5, 2, 4] });
   */
  forward(input: Tensor, opts?: RecurrentForwardOptions): RecurrentOutput {
    return this.run(input, opts);
  }

  /** Runs all layers; subclasses narrow the result type. */
  protected run(input: Tensor, opts: RecurrentForwardOptions = {}): RecurrentOutput {
    const name = `${this.constructor.name}.forward`;
    const { H, D, L } = { H: this.hiddenSize, D: this.bidirectional ? 2 : 1, L: this.numLayers };
    const wantDtype = this.weights[0]![0]!.wIh.value.dtype;
    const layout = this.batchFirst ? '[batch, seq_len, input_size]' : '[seq_len, batch, input_size]';
    if (input.rank !== 3) throw new Error(`${name}: input ${formatShape(input.shape)} should be 3-D ${layout}`);
    if (input.shape[2] !== this.inputSize) {
      throw new Error(`${name}: input ${formatShape(input.shape)} has ${input.shape[2]} features, expected input_size=${this.inputSize} ${layout}`);
    }
    if (input.dtype !== wantDtype) throw new Error(`${name}: input is ${input.dtype}, the parameters are ${wantDtype}`);
    const [T, B] = this.batchFirst ? [input.shape[1]!, input.shape[0]!] : [input.shape[0]!, input.shape[1]!];
    if (T < 1) throw new Error(`${name}: input ${formatShape(input.shape)} has no time steps`);
    if (B < 1) throw new Error(`${name}: input ${formatShape(input.shape)} holds no sequences (batch 0); pass at least one`);
    const lengths = opts.lengths === undefined ? undefined : checkLengths(name, opts.lengths, T, B);
    for (const [k, s] of [['h0', opts.h0], ['c0', opts.c0]] as const) {
      if (s && s.shape.join() !== `${L * D},${B},${H}`) {
        throw new Error(`${name}: ${k} ${formatShape(s.shape)} should be [num_layers*num_directions=${L * D}, batch=${B}, hidden_size=${H}]`);
      }
    }
    if (opts.c0 && this.mode !== 'lstm') throw new Error(`${name}: c0 is only for LSTM`);
    const fused = opts.fused ?? this.fused;
    return scope(() => {
      const mask = needsMask(lengths, T) ? stepMask(lengths, T, B, wantDtype as 'float32') : null; // (T, B)
      const revIdx = D === 2 ? reverseIndices(lengths, T, B) : null;
      const init = (s: Tensor | undefined, i: number) => (s ? reshape(slice(s, [i, 0, 0], [1, B, H]), [B, H]) : zeros([B, H], wantDtype));
      let x = this.batchFirst ? transpose(input, [1, 0, 2]) : input; // (T, B, I)
      // Intermediates are freed once spent, as PyTorch's refcounting frees them (the ops' backward
      // rules hold their own references): a long batch keeps one input projection alive at a time,
      // not one per layer and direction until the step's scope ends.
      const spent = (...ts: Tensor[]) => {
        for (const t of ts) if (t !== input) t.dispose();
      };
      const hNs: Tensor[] = [], cNs: Tensor[] = [], gates: GateRecord[] = [];
      for (let l = 0; l < L; l++) {
        const ys: Tensor[] = [];
        for (let d = 0; d < D; d++) {
          const w = this.weights[l]![d]!;
          const xd = d === 1 ? reverseTime(x, revIdx!) : x; // (T, B, F)
          const F = xd.shape[2]!;
          // (T·B, G): one fused x·W_ihᵀ + b (b_hh joins b_ih except in the GRU, whose b_hn sits inside r ⊙ (…))
          const bias = w.bIh ? (this.mode === 'gru' ? w.bIh.value : add(w.bIh.value, w.bHh!.value)) : null;
          const rows = reshape(xd, [T * B, F]);
          const flat = linear(rows, w.wIh.value, bias);
          spent(rows, ...(d === 1 ? [xd] : []));
          const xProj = reshape(flat, [T, B, -1]); // (T, B, G)
          const h0 = init(opts.h0, l * D + d);
          const r = this.sequence(xProj, w, h0, this.mode === 'lstm' ? init(opts.c0, l * D + d) : h0, mask, fused, !!opts.returnGates);
          spent(flat, xProj);
          if (d === 1) {
            ys.push(reverseTime(r.y, revIdx!));
            spent(r.y);
          } else ys.push(r.y);
          hNs.push(r.hN);
          if (r.cN) cNs.push(r.cN);
          if (opts.returnGates && r.gates) {
            const back = (t: Tensor) => (d === 1 ? reverseTime(t, revIdx!) : t);
            gates.push({ layer: l, direction: d, gates: back(r.gates), ...(r.cells ? { cells: back(r.cells) } : {}) });
          }
        }
        const layerInput = x;
        x = D === 2 ? concat(ys, 2) : ys[0]!; // (T, B, D·H)
        if (D === 2) spent(...ys);
        spent(layerInput);
        if (l < L - 1) {
          const dropped = dropout(x, this.dropout, this.training);
          if (dropped !== x) spent(x);
          x = dropped;
        }
      }
      const out: RecurrentOutput = { output: this.batchFirst ? transpose(x, [1, 0, 2]) : x, hN: stack(hNs, 0) };
      if (this.mode === 'lstm') out.cN = stack(cNs, 0);
      if (opts.returnGates) out.gates = gates;
      return out;
    });
  }

  /** One direction's time loop: one op, which picks the fused kernel or the composite path. */
  private sequence(xProj: Tensor, w: Weights, h0: Tensor, c0: Tensor, mask: Tensor | null, fused: boolean, gates: boolean):
    { y: Tensor; hN: Tensor; cN?: Tensor; gates?: Tensor; cells?: Tensor } {
    const wHh = w.wHh.value;
    if (this.mode === 'lstm') return lstmSequence(xProj, wHh, h0, c0, mask, { fused, gates });
    if (this.mode === 'gru') return gruSequence(xProj, wHh, w.bHh?.value ?? null, h0, mask, { fused, gates });
    return rnnSequence(xProj, wHh, h0, mask, this.nonlinearity, { fused });
  }

  /** PyTorch's extra_repr: `100, 256, num_layers=2, dropout=0.5, bidirectional=True`. */
  protected override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.mode === 'rnn' && this.nonlinearity !== 'tanh') s += `, nonlinearity=${this.nonlinearity}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}
