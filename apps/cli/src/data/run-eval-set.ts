/**
 * The default evaluation set of a run (`recur eval RUN` without `--data`): its test data when it
 * has some — the built-in test set, IMDB's test split, or the `--test` file — else the validation
 * split held out from its training file, rebuilt with the run's seed. Never the texts the model was
 * trained on.
 */
import type { TrainConfig } from '../config.js';
import { loadDataSets, loadEvalSet, sourceKind, type LabeledTextSet } from './load.js';

export async function runEvalSet(config: TrainConfig, opts: { limit: number; split: 'train' | 'test' }): Promise<LabeledTextSet> {
  const kind = sourceKind(config.data);
  if (kind !== 'file' || config.test) {
    return loadEvalSet(kind === 'file' ? config.test : config.data, { limit: opts.limit, seed: config.seed, split: opts.split });
  }
  const sets = await loadDataSets({ data: config.data, test: null, validSplit: config.validSplit, seed: config.seed, limit: config.limit, testLimit: 0 });
  const examples = opts.limit ? sets.valid.slice(0, opts.limit) : sets.valid;
  return { examples, source: `${config.data} (validation split: ${sets.valid.length} texts held out from training; the run has no --test file)` };
}
