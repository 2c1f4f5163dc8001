/**
 * What `recur train` does once the loop returns: test evaluation (interruptible between batches),
 * report, final message, exit code.
 */
import { relative } from 'node:path';
import type { SentimentRNN } from '@recur/recurrent';
import type { TrainConfig } from '../config.js';
import { CliError } from '../errors.js';
import { appendMetrics, type BaselineRow, type MetricsRow, type TestRow } from '../metrics.js';
import type { Progress } from '../progress.js';
import { describeRun, runFiles, writeRunReport } from '../run-dir.js';
import { checkpointDir, loadCheckpoint, requireCheckpoint } from './checkpoint.js';
import type { PreparedData } from './setup.js';
import { evaluate, EvalInterrupted } from './step.js';
import type { StopFlag, TrainOutcome } from './trainer.js';

export interface FinishInput {
  outcome: TrainOutcome;
  config: TrainConfig;
  runDir: string;
  model: SentimentRNN;
  data: PreparedData;
  progress: Progress;
  backend: string;
  baselineRows: readonly MetricsRow[];
  /** Set by the signal handler: the final evaluation stops between two batches. */
  stop: StopFlag;
}

/** Loads `best` for the final test, or `last` (with a warning) when `best` is missing or corrupt. */
function loadFinalWeights(runDir: string, model: SentimentRNN, progress: Progress): 'best' | 'last' {
  const best = checkpointDir(runDir, 'best');
  try {
    if (best) {
      loadCheckpoint(best, model);
      return 'best';
    }
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    progress.info(`warning: ${e.message}; the final test uses the last checkpoint instead`);
  }
  loadCheckpoint(requireCheckpoint(runDir, 'last'), model);
  return 'last';
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const shown = (p: string) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};

/** The `run.json` summary. */
function summaryOf(i: FinishInput, status: string, test?: TestRow) {
  const { outcome, config, runDir, model, data } = i;
  return {
    name: shown(runDir),
    status,
    ...describeRun(config, model),
    vocabSize: data.vocab.size,
    dataSource: data.sets.source,
    trainCount: data.train.length,
    validCount: data.valid.length,
    trainSeconds: outcome.state.trainSeconds,
    backend: i.backend,
    createdAt: new Date().toISOString(),
    epoch: outcome.state.epoch,
    step: outcome.state.step,
    bestValidAcc: outcome.state.bestValidAcc,
    bestEpoch: outcome.state.bestEpoch,
    ...(test ? { testAcc: test.acc, testLoss: test.loss, confusion: test.confusion, testCheckpoint: test.checkpoint } : {}),
  };
}

/**
 * A signal stopped the final test evaluation: training is complete and saved, only the test result
 * and report are missing; `run.json` says so and `--resume` produces them.
 */
function interruptedFinalEval(i: FinishInput, e: EvalInterrupted): number {
  const { runDir, config, progress, outcome } = i;
  const signal = i.stop.requested ?? 'SIGINT';
  writeRunReport(runDir, config, summaryOf(i, `interrupted (${signal}) during the final evaluation`));
  progress.info(`interrupted by ${signal} during the final evaluation (${e.done} of ${e.total} test texts); training is complete and saved`);
  progress.info(`finish with: recur train --resume ${shown(runDir)} (runs the final evaluation and writes the report)`);
  progress.event('stopped', { status: 'interrupted', phase: 'final-eval', epoch: outcome.state.epoch, step: outcome.state.step, runDir });
  return signal === 'SIGTERM' ? 143 : 130;
}

/** Completes the run and returns the exit code (or throws the NaN error after writing the report). */
export async function finishRun(i: FinishInput): Promise<number> {
  const { outcome, config, runDir, model, data, progress } = i;
  const files = runFiles(runDir);
  const status = outcome.status === 'finished' ? 'finished' : outcome.status === 'nan' ? 'stopped: non-finite loss' : outcome.status === 'interrupted' ? `interrupted (${outcome.signal})` : `paused at --max-steps ${config.maxSteps}`;
  let test: TestRow | undefined;
  let evalStopped: EvalInterrupted | undefined;
  if (outcome.status === 'finished' && data.test.length > 0) {
    const checkpoint = loadFinalWeights(runDir, model, progress);
    try {
      const r = await evaluate(model, data.test, {
        batchSize: Math.max(128, config.batchSize), padIndex: data.vocab.padIndex, unkIndex: data.vocab.unkIndex, maxLength: config.maxLength,
        shouldStop: () => i.stop.requested !== null, phase: 'final-eval',
      });
      test = { type: 'test', split: data.sets.testSplit, checkpoint, ...r };
      appendMetrics(files.metrics, test);
    } catch (e) {
      if (!(e instanceof EvalInterrupted)) throw e;
      evalStopped = e;
    }
  }
  if (evalStopped) return interruptedFinalEval(i, evalStopped);
  const summary = summaryOf(i, status, test);
  writeRunReport(runDir, config, summary);
  const report = shown(files.report);
  if (outcome.status === 'nan') {
    const n = outcome.nan!;
    const kept = outcome.lastCheckpoint ?? checkpointDir(runDir, 'last');
    throw new CliError(`loss became ${Number.isNaN(n.loss) ? 'NaN' : n.loss} at epoch ${n.epoch} step ${n.step}; ${kept ? `last good checkpoint kept at ${shown(kept)}` : 'no checkpoint had been saved yet'} (try a lower --lr or --clip)`);
  }
  if (outcome.status !== 'finished') {
    const where = `epoch ${outcome.state.epoch + 1} step ${outcome.state.stepInEpoch} (global step ${outcome.state.step})`;
    progress.info(`${outcome.status === 'interrupted' ? `interrupted by ${outcome.signal}` : 'stopped at --max-steps'} at ${where}; checkpoint saved to ${shown(outcome.lastCheckpoint ?? runDir)}`);
    progress.info(`continue with: recur train --resume ${shown(runDir)}`);
    progress.event('stopped', { status: outcome.status, epoch: outcome.state.epoch, step: outcome.state.step, runDir });
    if (outcome.status === 'interrupted') return outcome.signal === 'SIGTERM' ? 143 : 130;
    return 0;
  }
  const bow = i.baselineRows.filter((r): r is BaselineRow => r.type === 'baseline').at(-1);
  progress.info(`training time ${outcome.state.trainSeconds.toFixed(1)}s; best validation accuracy ${pct(outcome.state.bestValidAcc)} (epoch ${outcome.state.bestEpoch})`);
  if (test) {
    const [[tn, fp], [fn, tp]] = test.confusion;
    progress.info(`test accuracy ${pct(test.acc)} (loss ${test.loss.toFixed(4)}, ${test.count} texts, ${data.sets.testSplit})${bow ? ` | bag-of-words baseline ${pct(bow.testAcc)}` : ''}`);
    progress.info(`confusion (rows true neg/pos, cols predicted neg/pos): [[${tn}, ${fp}], [${fn}, ${tp}]]`);
  }
  progress.info(`report: ${report}`);
  progress.event('done', { runDir, trainSeconds: outcome.state.trainSeconds, bestValidAcc: outcome.state.bestValidAcc, ...(test ? { testAcc: test.acc, testLoss: test.loss, confusion: test.confusion } : {}), ...(bow ? { baselineAcc: bow.testAcc } : {}) });
  return 0;
}
