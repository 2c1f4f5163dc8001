/** What `recur train` does once the loop returns: test evaluation, report, final message, exit code. */
import { relative } from 'node:path';
import type { SentimentRNN } from '@recur/recurrent';
import type { TrainConfig } from '../config.js';
import { CliError } from '../errors.js';
import { appendMetrics, type BaselineRow, type MetricsRow, type TestRow } from '../metrics.js';
import type { Progress } from '../progress.js';
import { describeRun, runFiles, writeRunReport } from '../run-dir.js';
import { checkpointDir, loadCheckpoint } from './checkpoint.js';
import type { PreparedData } from './setup.js';
import { evaluate } from './step.js';
import type { TrainOutcome } from './trainer.js';

export interface FinishInput {
  outcome: TrainOutcome;
  config: TrainConfig;
  runDir: string;
  model: SentimentRNN;
  data: PreparedData;
  progress: Progress;
  backend: string;
  baselineRows: readonly MetricsRow[];
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const shown = (p: string) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};

/** Completes the run and returns the exit code (or throws the NaN error after writing the report). */
export async function finishRun(i: FinishInput): Promise<number> {
  const { outcome, config, runDir, model, data, progress } = i;
  const files = runFiles(runDir);
  const status = outcome.status === 'finished' ? 'finished' : outcome.status === 'nan' ? 'stopped: non-finite loss' : outcome.status === 'interrupted' ? `interrupted (${outcome.signal})` : `paused at --max-steps ${config.maxSteps}`;
  let test: TestRow | undefined;
  if (outcome.status === 'finished' && data.test.length > 0) {
    const best = checkpointDir(runDir, 'best');
    if (best) loadCheckpoint(best, model);
    const r = await evaluate(model, data.test, { batchSize: Math.max(128, config.batchSize), padIndex: data.vocab.padIndex, unkIndex: data.vocab.unkIndex, maxLength: config.maxLength });
    test = { type: 'test', split: data.sets.testSplit, checkpoint: best ? 'best' : 'last', ...r };
    appendMetrics(files.metrics, test);
  }
  const summary = {
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
    ...(test ? { testAcc: test.acc, testLoss: test.loss, confusion: test.confusion } : {}),
  };
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
