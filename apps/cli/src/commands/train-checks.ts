/**
 * Checks of a new run's configuration against its data, before any directory is created: each
 * problem is one line naming the cause and the way out, instead of a silent no-op run or an
 * allocation failure deep inside the model.
 */
import { totalmem } from 'node:os';
import type { TrainConfig } from '../config.js';
import { CliError, usageError } from '../errors.js';
import type { PreparedData } from '../train/setup.js';

/** Trainable parameters of the classifier `config` builds for a vocabulary of `vocabSize` words. */
export function estimateParameters(config: TrainConfig, vocabSize: number): number {
  const m = config.model;
  const gates = m.cell === 'lstm' ? 4 : m.cell === 'gru' ? 3 : 1;
  const dirs = m.bidirectional ? 2 : 1;
  let n = vocabSize * m.embeddingDim;
  for (let l = 0; l < m.layers; l++) {
    const input = l === 0 ? m.embeddingDim : m.hidden * dirs;
    n += dirs * gates * m.hidden * (input + m.hidden + 2);
  }
  return n + m.hidden * dirs * (m.pooling?.length ?? 1) + 1;
}

const GiB = 2 ** 30;

/**
 * Refuses configurations that cannot train: a learning rate of 0, training data with one class
 * only, or a model whose weights, gradients and optimizer state (about 16 bytes per parameter)
 * exceed this machine's memory.
 *
 * @example
 * checkNewRun(config, data); // throws "option '--lr' must be > 0 …"
 */
export function checkNewRun(config: TrainConfig, data: PreparedData, memory = totalmem()): void {
  if (!(config.lr > 0)) throw usageError(`option '--lr' must be > 0, got '${config.lr}' (a zero learning rate never changes the model; see recur train --help)`);
  const labels = new Set(data.train.map((x) => x.label));
  if (labels.size < 2) {
    const only = [...labels][0];
    throw new CliError(`${data.sets.source}: every training example has label ${only === undefined ? '(none)' : only}; a classifier needs examples of both classes (check the label column, or --limit, which keeps the first N rows)`);
  }
  const params = estimateParameters(config, data.vocab.size);
  const need = params * 16;
  if (need > memory) {
    throw usageError(`the model would have ${params.toLocaleString('en-US')} parameters (~${(need / GiB).toFixed(1)} GiB with gradients and optimizer state), more than this machine's ${(memory / GiB).toFixed(1)} GiB; lower --hidden, --embedding-dim, --layers or --max-vocab`);
  }
}
