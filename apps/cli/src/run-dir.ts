/**
 * A run directory: `config.json`, `vocab.json`, `metrics.jsonl`, `run.json` (summary), `report.html`
 * and `checkpoints/{best,last}/`. Opening one for eval/predict/info/resume rebuilds the model from it.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type SentimentRNN } from '@recur/recurrent';
import { Vocab } from '@recur/text';
import { describeModel, validateConfig, type TrainConfig } from './config.js';
import { CliError, oneLine } from './errors.js';
import { readJson, writeFileAtomic, writeJsonAtomic } from './fs-util.js';
import { faultPoint } from './faults.js';
import { readMetrics } from './metrics.js';
import { renderReport, type RunSummary } from './report/html.js';
import { loadCheckpoint, requireCheckpoint, type CheckpointName, type CheckpointState } from './train/checkpoint.js';
import { buildModel } from './train/model.js';

export const runFiles = (dir: string) => ({
  config: join(dir, 'config.json'),
  vocab: join(dir, 'vocab.json'),
  metrics: join(dir, 'metrics.jsonl'),
  summary: join(dir, 'run.json'),
  report: join(dir, 'report.html'),
});

/** Reads a run's configuration and vocabulary, with one-line errors for a missing or broken run. */
export function openRun(dir: string): { config: TrainConfig; vocab: Vocab } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`run directory not found: ${dir}`);
  const f = runFiles(dir);
  if (!existsSync(f.config)) {
    throw new CliError(`${dir} is not a recur run (no config.json; a \`recur train\` stopped before writing it can be started again with --out ${dir})`);
  }
  const config = validateConfig(readJson(f.config, 'run config'), f.config);
  let vocab: Vocab;
  try {
    vocab = Vocab.fromJSON(readJson(f.vocab, 'run vocabulary'));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${f.vocab}: ${oneLine(e)}`);
  }
  if (vocab.padIndex < 0) throw new CliError(`${f.vocab}: vocabulary has no <pad> token`);
  return { config, vocab };
}

/** Opens a run and loads checkpoint `which` into a fresh model (eval mode). */
export function loadRunModel(dir: string, which: CheckpointName = 'best'): { config: TrainConfig; vocab: Vocab; model: SentimentRNN; state: CheckpointState; checkpoint: string } {
  const { config, vocab } = openRun(dir);
  const checkpoint = requireCheckpoint(dir, which);
  const model = buildModel(config, vocab.size, vocab.padIndex);
  try {
    const state = loadCheckpoint(checkpoint, model);
    model.eval();
    return { config, vocab, model, state, checkpoint };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Writes `run.json` and regenerates `report.html` from the metrics log. */
export function writeRunReport(dir: string, config: TrainConfig, summary: RunSummary & Record<string, unknown>): void {
  const f = runFiles(dir);
  writeJsonAtomic(f.summary, summary);
  faultPoint('report');
  writeFileAtomic(f.report, renderReport(config, readMetrics(f.metrics), summary));
}

/** Summary fields derived from a configuration and model. */
export function describeRun(config: TrainConfig, model: SentimentRNN): { architecture: string; parameters: number } {
  return { architecture: describeModel(config.model), parameters: model.numParameters(true) };
}
