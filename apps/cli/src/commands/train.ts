/** `recur train`: a new run, or `--resume RUN` to continue one. */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { getBackend, setRandomState, setSeed } from '@recur/tensor';
import { formatHelp, numberOption, parseCommand } from '../args.js';
import { describeModel, type TrainConfig } from '../config.js';
import { CliError, usageError } from '../errors.js';
import { writeJsonAtomic } from '../fs-util.js';
import type { Command } from '../main.js';
import { appendMetrics, readMetrics, truncateMetrics, type BaselineRow } from '../metrics.js';
import { resolveDataArg } from '../paths.js';
import { Progress, progressMode } from '../progress.js';
import { openRun, runFiles } from '../run-dir.js';
import { applyThreads, selectBackend } from '../backend.js';
import { cleanCheckpointTemps } from '../train/checkpoint-files.js';
import { loadCheckpoint, requireCheckpoint, type CheckpointState } from '../train/checkpoint.js';
import { finishRun } from '../train/finish.js';
import { buildModel, buildOptimizer } from '../train/model.js';
import { loadPretrained, prepareData, runBaseline } from '../train/setup.js';
import { runTraining, type StopFlag } from '../train/trainer.js';
import { configFromFlags, RESUME_ALLOWED, TRAIN_OPTIONS } from './train-options.js';

const HELP = formatHelp(
  'recur train [--data PATH] [--preset tiny|fast|seed] [options]',
  'Trains a sentiment classifier. Without --data it uses the built-in corpus (about a minute on 2 cores)\nand reports a bag-of-words baseline next to the recurrent model. --preset seed is the tutorial model.',
  TRAIN_OPTIONS,
);

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

async function run(argv: string[]): Promise<number> {
  const { values: v } = parseCommand('train', argv, TRAIN_OPTIONS, { maxPositionals: 0 });
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const progress = new Progress(progressMode(Boolean(v.json), process.stdout), process.stdout);
  let config: TrainConfig;
  let runDir: string;
  let resumeState: CheckpointState | undefined;
  let vocab;
  if (typeof v.resume === 'string') {
    const extra = Object.keys(v).filter((k) => v[k] !== undefined && !RESUME_ALLOWED.has(k));
    if (extra.length) throw usageError(`--resume takes the run's own configuration; '--${extra[0]}' cannot be changed (only --epochs, --max-steps, --json, --backend, --threads)`);
    runDir = resolve(v.resume);
    ({ config, vocab } = openRun(runDir));
    const epochs = numberOption('train', v, 'epochs', { int: true, min: 1 });
    const maxSteps = numberOption('train', v, 'max-steps', { int: true, min: 0 });
    config = { ...config, ...(epochs !== undefined ? { epochs } : {}), maxSteps: maxSteps ?? 0 };
  } else {
    config = configFromFlags(v);
    if (config.data) config.data = resolve(resolveDataArg(config.data));
    if (config.test) config.test = resolve(config.test);
    runDir = resolve(typeof v.out === 'string' ? v.out : `runs/${timestamp()}`);
    if (existsSync(runDir) && readdirSync(runDir).length > 0) {
      throw new CliError(`run directory ${runDir} already exists and is not empty (use --resume ${runDir} to continue it, or another --out)`);
    }
  }
  const backend = await selectBackend(typeof v.backend === 'string' ? v.backend : 'cpu');
  const threads = applyThreads(typeof v.threads === 'string' ? v.threads : undefined);
  progress.info(`backend: ${backend}${threads > 1 ? `, ${threads} threads` : ''}`);
  const data = await prepareData(config, vocab);
  progress.info(`data: ${data.sets.source}: ${data.train.length} train / ${data.valid.length} valid / ${data.test.length} test; vocab ${data.vocab.size}`);
  mkdirSync(runDir, { recursive: true });
  const files = runFiles(runDir);
  setSeed(config.seed);
  const model = buildModel(config, data.vocab.size, data.vocab.padIndex);
  const optimizer = buildOptimizer(config.optimizer, model, config.lr);
  try {
    if (!vocab) {
      const vectors = await loadPretrained(config, data.vocab, model);
      if (vectors) progress.info(`vectors: ${vectors.path}: ${vectors.found}/${vectors.total} words found (${(100 * vectors.ratio).toFixed(1)}%)`);
      writeJsonAtomic(files.config, config);
      writeJsonAtomic(files.vocab, data.vocab.toJSON());
      const bow = config.baseline ? runBaseline(data, config.seed) : null;
      if (bow) {
        const row: BaselineRow = { type: 'baseline', model: 'bag-of-words logistic regression', trainAcc: bow.trainAccuracy, testAcc: bow.testAccuracy, split: data.sets.testSplit, features: bow.features, seconds: bow.seconds };
        appendMetrics(files.metrics, row);
        progress.info(`baseline: bag-of-words logistic regression test accuracy ${(100 * bow.testAccuracy).toFixed(2)}% (${bow.features} features, ${bow.seconds.toFixed(1)}s)`);
        progress.event('baseline', { ...row });
      }
    } else {
      cleanCheckpointTemps(runDir);
      resumeState = loadCheckpoint(requireCheckpoint(runDir, 'last'), model, optimizer);
      if (resumeState.epoch >= config.epochs) {
        progress.info(`${runDir} already finished ${resumeState.epoch} epoch(s); pass --epochs N (more than ${resumeState.epoch}) to train longer`);
        return 0;
      }
      setRandomState(resumeState.rng);
      truncateMetrics(files.metrics, resumeState.step);
      progress.info(`resuming ${runDir} at epoch ${resumeState.epoch + 1} step ${resumeState.stepInEpoch} (global step ${resumeState.step})`);
    }
    progress.info(`model: ${describeModel(config.model)}; ${model.numParameters(true).toLocaleString('en-US')} parameters; ${config.optimizer} lr ${config.lr}, batch ${config.batchSize}, ${config.epochs} epochs`);
    progress.info(`run directory: ${runDir}`);
    const stop: StopFlag = { requested: null };
    const onSignal = (sig: NodeJS.Signals) => {
      if (stop.requested) process.exit(sig === 'SIGINT' ? 130 : 143); // second signal: give up at once
      stop.requested = sig;
      progress.info(`${sig}: saving a checkpoint after this step…`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const outcome = await runTraining({
        config, runDir, metricsPath: files.metrics, model, optimizer, train: data.train, valid: data.valid,
        padIndex: data.vocab.padIndex, unkIndex: data.vocab.unkIndex, progress, stop, ...(resumeState ? { resume: resumeState } : {}),
      });
      return await finishRun({ outcome, config, runDir, model, data, progress, backend: getBackend().name, baselineRows: readMetrics(files.metrics) });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

export const trainCommand: Command = { summary: 'train a sentiment classifier', run };
