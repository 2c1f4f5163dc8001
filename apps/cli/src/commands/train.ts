/** `recur train`: a new run, or `--resume RUN` to continue one. */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { getBackend, setRandomState, setSeed } from '@recur/tensor';
import { formatHelp, numberOption, parseCommand, type OptionSpecs } from '../args.js';
import { applyThreads, selectBackend } from '../backend.js';
import { describeModel, type TrainConfig } from '../config.js';
import { CliError, usageError } from '../errors.js';
import { faultPoint } from '../faults.js';
import { writeJsonAtomic } from '../fs-util.js';
import type { Command } from '../main.js';
import { appendMetrics, readMetrics, truncateMetrics, type BaselineRow } from '../metrics.js';
import { resolveDataArg, resolveVectors } from '../paths.js';
import { Progress, progressMode } from '../progress.js';
import { openRun, runFiles } from '../run-dir.js';
import { claimRun, createUniqueRunDir, OWNER_FILE } from '../run-lock.js';
import { cleanCheckpointTemps } from '../train/checkpoint-files.js';
import { loadCheckpoint, type CheckpointState } from '../train/checkpoint.js';
import { dataFingerprint, fingerprintChange, readFingerprint, writeFingerprint } from '../train/fingerprint.js';
import { finishRun } from '../train/finish.js';
import { buildModel, buildOptimizer } from '../train/model.js';
import { pickResumePoint, runIsComplete } from '../train/resume.js';
import { loadPretrained, prepareData, runBaseline, type PreparedData } from '../train/setup.js';
import { runTraining, type StopFlag, type TrainOutcome } from '../train/trainer.js';
import { checkNewRun } from './train-checks.js';
import { configFromFlags, RESUME_ALLOWED, TRAIN_OPTIONS } from './train-options.js';

const OPTIONS: OptionSpecs = {
  ...TRAIN_OPTIONS,
  'allow-data-change': { type: 'boolean', help: 'with --resume: continue even though the data or vectors differ from those the run started with' },
};
const RESUME_OK = new Set([...RESUME_ALLOWED, 'allow-data-change']);

const HELP = formatHelp(
  'recur train [--data PATH] [--preset NAME] [options]  |  recur train --resume RUN',
  [
    'Trains a sentiment classifier. Without --data it uses the built-in corpus (about a minute on 2 cores)',
    'and reports a bag-of-words baseline next to the recurrent model. --preset seed is the tutorial model.',
    '',
    'Run directories: without --out each run gets a new runs/<timestamp>[-N] (created atomically, so',
    'parallel runs never share one). While a process writes a run, RUN/owner.json names it and a second',
    'writer is refused. --out DIR must be empty or new.',
    '',
    'Resume: --resume RUN continues from the last checkpoint (or best, when last is missing or corrupt),',
    'trains again from step 0 when no checkpoint was saved, and runs only the final evaluation and',
    'report when training had finished. It refuses when the data or vectors changed (fingerprint.json),',
    'unless --allow-data-change. Texts are cut to --max-length tokens (0 = all) in training, eval,',
    'predict, export and serve alike.',
  ].join('\n'),
  OPTIONS,
);

const vectorsPath = (config: TrainConfig): string | null => (config.glove ? resolveVectors(config.glove).path : null);

/** A directory for a new run: `--out DIR` (new or empty) or a fresh `runs/<timestamp>[-N]`. */
function newRunDir(out: string | undefined): { runDir: string; created: boolean; release: () => void } {
  const runDir = out === undefined ? createUniqueRunDir(resolve('runs')) : resolve(out);
  const created = out === undefined || !existsSync(runDir);
  mkdirSync(runDir, { recursive: true });
  const release = claimRun(runDir, 'train');
  const other = readdirSync(runDir).filter((f) => f !== OWNER_FILE);
  if (other.length > 0) {
    release();
    if (existsSync(runFiles(runDir).config)) throw new CliError(`run directory ${runDir} already holds a run (use --resume ${runDir} to continue it, or another --out)`);
    throw new CliError(`run directory ${runDir} exists and is not empty (it holds ${other[0]}, not a recur run); choose another --out`);
  }
  return { runDir, created, release };
}

/** What a fresh start (or a restart from step 0) writes before the first step: files and the baseline. */
async function initialise(o: { config: TrainConfig; runDir: string; data: PreparedData; model: ReturnType<typeof buildModel>; progress: Progress; fresh: boolean }): Promise<void> {
  const { config, runDir, data, progress } = o;
  const files = runFiles(runDir);
  const vectors = await loadPretrained(config, data.vocab, o.model);
  if (vectors) progress.info(`vectors: ${vectors.path}: ${vectors.found}/${vectors.total} words found (${(100 * vectors.ratio).toFixed(1)}%)`);
  if (o.fresh) {
    writeJsonAtomic(files.config, config);
    writeJsonAtomic(files.vocab, data.vocab.toJSON());
    writeFingerprint(runDir, dataFingerprint(data.sets, vectorsPath(config)));
  } else truncateMetrics(files.metrics, 0);
  const hasBaseline = readMetrics(files.metrics).some((r) => r.type === 'baseline');
  const bow = config.baseline && !hasBaseline ? runBaseline(data, config.seed) : null;
  if (bow) {
    const row: BaselineRow = { type: 'baseline', model: 'bag-of-words logistic regression', trainAcc: bow.trainAccuracy, testAcc: bow.testAccuracy, split: data.sets.testSplit, features: bow.features, seconds: bow.seconds };
    appendMetrics(files.metrics, row);
    progress.info(`baseline: bag-of-words logistic regression test accuracy ${(100 * bow.testAccuracy).toFixed(2)}% (${bow.features} features, ${bow.seconds.toFixed(1)}s)`);
    progress.event('baseline', { ...row });
  }
  faultPoint('setup');
}

/** Refuses to resume on other data than the run started with (unless allowed); records it otherwise. */
function checkFingerprint(runDir: string, config: TrainConfig, data: PreparedData, allow: boolean, progress: Progress): void {
  let now;
  try {
    now = dataFingerprint(data.sets, vectorsPath(config));
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    now = dataFingerprint(data.sets, null); // the vectors file is gone: reported as a change below
  }
  const saved = readFingerprint(runDir);
  const change = saved ? fingerprintChange(saved, now) : null;
  if (change && !allow) {
    throw new CliError(`cannot resume ${runDir}: ${change} since the run started, so it would not continue the same run; restore them, or pass --allow-data-change to continue anyway`);
  }
  if (change) progress.info(`warning: ${change} since the run started; continuing on the new data (--allow-data-change)`);
  if (!saved) progress.info(`note: ${runDir} has no data fingerprint (made by an older recur); recording one now`);
  if (!saved || change) writeFingerprint(runDir, now);
}

async function run(argv: string[]): Promise<number> {
  const { values: v } = parseCommand('train', argv, OPTIONS, { maxPositionals: 0 });
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const progress = new Progress(progressMode(Boolean(v.json), process.stdout), process.stdout);
  const resuming = typeof v.resume === 'string';
  let config: TrainConfig;
  let vocab;
  if (resuming) {
    const extra = Object.keys(v).filter((k) => v[k] !== undefined && !RESUME_OK.has(k));
    if (extra.length) throw usageError(`--resume takes the run's own configuration; '--${extra[0]}' cannot be changed (only --epochs, --max-steps, --json, --backend, --threads, --allow-data-change)`);
    ({ config, vocab } = openRun(resolve(v.resume as string)));
    const epochs = numberOption('train', v, 'epochs', { int: true, min: 1 });
    const maxSteps = numberOption('train', v, 'max-steps', { int: true, min: 0 });
    config = { ...config, ...(epochs !== undefined ? { epochs } : {}), maxSteps: maxSteps ?? 0 };
  } else {
    if (v['allow-data-change']) throw usageError('--allow-data-change only applies with --resume RUN (see recur train --help)');
    config = configFromFlags(v);
    if (config.data) config.data = resolve(resolveDataArg(config.data));
    if (config.test) config.test = resolve(config.test);
    if (config.glove) resolveVectors(config.glove); // a missing vectors file fails before any work
  }
  const backend = await selectBackend(typeof v.backend === 'string' ? v.backend : 'cpu');
  const threads = applyThreads(typeof v.threads === 'string' ? v.threads : undefined);
  progress.info(`backend: ${backend}${threads > 1 ? `, ${threads} threads` : ''}`);
  const data = await prepareData(config, vocab);
  if (!resuming) checkNewRun(config, data);
  progress.info(`data: ${data.sets.source}: ${data.train.length} train / ${data.valid.length} valid / ${data.test.length} test; vocab ${data.vocab.size}`);
  const claim = resuming
    ? { runDir: resolve(v.resume as string), created: false, release: claimRun(resolve(v.resume as string), 'train --resume') }
    : newRunDir(typeof v.out === 'string' ? v.out : undefined);
  const { runDir } = claim;
  try {
    if (resuming) checkFingerprint(runDir, config, data, Boolean(v['allow-data-change']), progress);
    return await trainIn({ runDir, config, data, progress, resuming, backend });
  } catch (e) {
    // A set-up that failed before config.json leaves nothing behind (not even an empty folder).
    if (!resuming && !existsSync(runFiles(runDir).config)) {
      claim.release();
      if (claim.created) rmSync(runDir, { recursive: true, force: true });
    }
    throw e;
  } finally {
    claim.release();
  }
}

async function trainIn(o: { runDir: string; config: TrainConfig; data: PreparedData; progress: Progress; resuming: boolean; backend: string }): Promise<number> {
  const { runDir, config, data, progress } = o;
  const files = runFiles(runDir);
  setSeed(config.seed);
  const model = buildModel(config, data.vocab.size, data.vocab.padIndex);
  const optimizer = buildOptimizer(config.optimizer, model, config.lr);
  try {
    let resumeState: CheckpointState | undefined;
    let finishOnly: TrainOutcome | undefined;
    if (!o.resuming) await initialise({ config, runDir, data, model, progress, fresh: true });
    else {
      cleanCheckpointTemps(runDir);
      const at = pickResumePoint(runDir, (m) => progress.info(`warning: ${m}`));
      if (!at) {
        progress.info(`${runDir} has no usable checkpoint (stopped before the first one was saved); training it again from step 0 with its own configuration, vocabulary and seed`);
        await initialise({ config, runDir, data, model, progress, fresh: false });
      } else {
        resumeState = loadCheckpoint(at.dir, model, optimizer);
        setRandomState(resumeState.rng);
        if (resumeState.epoch >= config.epochs) {
          if (runIsComplete(runDir)) {
            progress.info(`${runDir} already finished ${resumeState.epoch} epoch(s); pass --epochs N (more than ${resumeState.epoch}) to train longer`);
            return 0;
          }
          progress.info(`${runDir} finished training but has no final result; running the final evaluation and writing the report`);
          finishOnly = { status: 'finished', state: resumeState, lastCheckpoint: at.dir };
        } else progress.info(`resuming ${runDir} at epoch ${resumeState.epoch + 1} step ${resumeState.stepInEpoch} (global step ${resumeState.step})`);
        truncateMetrics(files.metrics, resumeState.step);
      }
    }
    progress.info(`model: ${describeModel(config.model)}; ${model.numParameters(true).toLocaleString('en-US')} parameters; ${config.optimizer} lr ${config.lr}, batch ${config.batchSize}, ${config.epochs} epochs`);
    progress.info(`run directory: ${runDir}`);
    const stop: StopFlag = { requested: null };
    const onSignal = (sig: NodeJS.Signals) => {
      if (stop.requested) process.exit(sig === 'SIGINT' ? 130 : 143); // second signal: give up at once
      stop.requested = sig;
      progress.info(`${sig}: stopping after this step (or evaluation batch)…`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const outcome = finishOnly ?? await runTraining({
        config, runDir, metricsPath: files.metrics, model, optimizer, train: data.train, valid: data.valid,
        padIndex: data.vocab.padIndex, unkIndex: data.vocab.unkIndex, progress, stop, ...(resumeState ? { resume: resumeState } : {}),
      });
      return await finishRun({ outcome, config, runDir, model, data, progress, backend: getBackend().name, baselineRows: readMetrics(files.metrics), stop });
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
