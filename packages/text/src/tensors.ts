/** Hands a {@link Batch} over to `@recur/tensor`. The only module of the core that touches tensors. */
import { type Tensor, tensor } from '@recur/tensor';
import type { Batch } from './batch.js';

/** Tensors of one batch: `ids` int32 `[T, B]` (or `[B, T]` when batch-first), `lengths` int32 `[B]`, `labels` float32 `[B]`. */
export interface BatchTensors {
  ids: Tensor;
  lengths: Tensor;
  labels: Tensor;
}

/**
 * Creates the batch's tensors (the caller disposes them, e.g. inside `scope`).
 *
 * @example
 * const { ids, lengths, labels } = toBatchTensors(batch); // ids: int32 [T, B]
 */
export function toBatchTensors(batch: Batch): BatchTensors {
  const { batchSize: B, seqLen: T } = batch;
  if (batch.ids.length !== B * T) throw new Error(`toBatchTensors: ids has ${batch.ids.length} values for [${T}, ${B}]`);
  return {
    ids: tensor(batch.ids, batch.batchFirst ? [B, T] : [T, B], 'int32'),
    lengths: tensor(batch.lengths, [B], 'int32'),
    labels: tensor(batch.labels, [B], 'float32'),
  };
}
