/** Embedding: a lookup table with PyTorch's padding_idx semantics. */
import { noGrad } from '@recur/autograd';
import { arange, embeddingLookup, equal, formatShape, keep, reshape, scope, type Tensor, where } from '@recur/tensor';
import { normalInit } from '../init.js';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';

export interface EmbeddingOptions {
  numEmbeddings: number;
  embeddingDim: number;
  /** Row that gets no gradient (and starts at zero), e.g. the `<pad>` index. */
  paddingIdx?: number;
  seed?: number;
}

export interface FromPretrainedOptions {
  /** Default true, as PyTorch: the table is not trained. */
  freeze?: boolean;
  paddingIdx?: number;
}

/**
 * `weight` [V, E] initialised N(0, 1) with the padding row zeroed; `forward(ids)` gathers rows.
 * The padding row's gradient is always zero (PyTorch semantics), so it stays what it was.
 *
 * @example
 * const emb = new Embedding({ numEmbeddings: 25002, embeddingDim: 100, paddingIdx: 1 });
 * const x = emb.forward(ids); // ids int32 [T, B] → [T, B, 100]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | undefined;
  readonly weight: Parameter;

  constructor(opts: EmbeddingOptions, initial?: Tensor) {
    super(opts.seed);
    const { numEmbeddings: V, embeddingDim: E } = opts;
    for (const [k, v] of [['numEmbeddings', V], ['embeddingDim', E]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`Embedding: ${k} must be a positive integer, got ${v}`);
    }
    let pad = opts.paddingIdx;
    if (pad !== undefined) {
      if (!Number.isInteger(pad) || pad < -V || pad >= V) throw new Error(`Embedding: paddingIdx ${pad} is outside [${-V}, ${V})`);
      if (pad < 0) pad += V;
    }
    this.numEmbeddings = V;
    this.embeddingDim = E;
    this.paddingIdx = pad;
    const w = initial ?? scope(() => {
      const n = normalInit([V, E], 1, this.seedFor('weight'));
      if (pad === undefined) return n;
      const isPad = equal(reshape(arange(0, V, 1, 'int32'), [V, 1]), pad); // (V, 1)
      return where(isPad, 0, n); // padding row zeroed, as PyTorch's reset_parameters
    });
    this.weight = this.param('weight', w);
  }

  /**
   * An embedding holding a copy of `matrix` [V, E] (e.g. GloVe vectors aligned to a vocab).
   *
   * @example
   * const emb = Embedding.fromPretrained(glove, { freeze: false, paddingIdx: 1 });
   */
  static fromPretrained(matrix: Tensor, opts: FromPretrainedOptions = {}): Embedding {
    if (matrix.rank !== 2) throw new Error(`Embedding.fromPretrained: matrix must be 2-D [V, E], got ${formatShape(matrix.shape)}`);
    const [V, E] = matrix.shape as [number, number];
    const copy = keep(noGrad(() => scope(() => reshape(matrix, [V, E]))));
    let emb: Embedding;
    try {
      emb = new Embedding({ numEmbeddings: V, embeddingDim: E, paddingIdx: opts.paddingIdx }, copy);
    } catch (e) {
      copy.dispose();
      throw e;
    }
    emb.weight.requiresGrad = !(opts.freeze ?? true);
    return emb;
  }

  /** ids int32 of any shape → [...ids.shape, E]. */
  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32') throw new Error(`Embedding.forward: ids must be int32, got ${ids.dtype} ${formatShape(ids.shape)}`);
    // One gather; with a padding index the positions holding it send no gradient to its row
    // (PyTorch's embedding backward skips them), so that row's gradient is exactly zero.
    const pad = this.weight.requiresGrad ? this.paddingIdx : undefined;
    return embeddingLookup(this.weight.value, ids, pad);
  }

  protected override extraRepr(): string {
    const pad = this.paddingIdx === undefined ? '' : `, padding_idx=${this.paddingIdx}`;
    return `${this.numEmbeddings}, ${this.embeddingDim}${pad}`;
  }
}
