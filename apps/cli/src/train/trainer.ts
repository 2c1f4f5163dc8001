/**
 * The training loop: seeded bucketed batches, one scoped step at a time, a metrics window every
 * `logEvery` steps, validation per epoch, best checkpoint by validation accuracy, last checkpoint
 * per epoch and whenever training stops early (signal, `--max-steps`). Everything that influences
 * the result (weights, optimizer state, the random stream, position in the epoch, running sums) is
 * in the checkpoint, so a resumed run ends with exactly the weights of an uninterrupted one.
 */
import { OneCycleLR, type LRScheduler, type Optimizer, type SentimentRNN } from '@recur/recurrent';
import { BucketIterator, type Encoded } from '@recur/text';
import { getRandomState } from '@recur/tensor';
import type { TrainConfig } from '../config.js';
import { appendMetrics, type EpochRow } from '../metrics.js';
import type { Progress } from '../progress.js';
import { saveCheckpoint, type CheckpointState, type SaveState } from './checkpoint.js';
import { evaluate, makeTrainStep } from './step.js';

export interface StopFlag {
  /** Set by a signal handler; the loop saves and returns after the current step. */
  requested: string | null;
}

export interface TrainerInput {
  config: TrainConfig;
  runDir: string;
  metricsPath: string;
  model: SentimentRNN;
  optimizer: Optimizer;
  train: readonly Encoded[];
  valid: readonly Encoded[];
  padIndex: number;
  unkIndex: number;
  progress: Progress;
  stop: StopFlag;
  /** State of the checkpoint being resumed (weights and optimizer already loaded). */
  resume?: CheckpointState;
}

export type TrainStatus = 'finished' | 'interrupted' | 'max-steps' | 'nan';

export interface TrainOutcome {
  status: TrainStatus;
  state: SaveState;
  signal?: string;
  /** Where a non-finite loss appeared (1-based epoch, global step) and the loss value. */
  nan?: { epoch: number; step: number; loss: number };
  lastCheckpoint: string | null;
}

const zeroSums = () => ({ loss: 0, correct: 0, count: 0, tokens: 0, seconds: 0 });
const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Fault injection for tests of the NaN path: `RECUR_DEBUG_NAN_AT_STEP=N` makes global step N report a
 * NaN loss before its update, exactly where a real non-finite loss would stop the run.
 */
const nanAtStep = (): number => Number(process.env.RECUR_DEBUG_NAN_AT_STEP ?? 0);

/**
 * Runs (or continues) training until every epoch is done, a stop is requested, `maxSteps` is reached,
 * or the loss stops being finite.
 *
 * @example
 * const outcome = await runTraining({ config, runDir, metricsPath, model, optimizer, train, valid, padIndex: 1, unkIndex: 0, progress, stop });
 */
export async function runTraining(input: TrainerInput): Promise<TrainOutcome> {
  const { config, model, optimizer, progress, stop } = input;
  const r = input.resume;
  const state: SaveState = {
    epoch: r?.epoch ?? 0,
    stepInEpoch: r?.stepInEpoch ?? 0,
    step: r?.step ?? 0,
    rng: getRandomState(),
    epochSums: r?.epochSums ?? zeroSums(),
    windowSums: r?.windowSums ?? zeroSums(),
    bestValidAcc: r?.bestValidAcc ?? -1,
    bestEpoch: r?.bestEpoch ?? -1,
    trainSeconds: r?.trainSeconds ?? 0,
    finished: r ? r.epoch >= config.epochs : false, // --epochs may have been raised on resume
  };
  let lastCheckpoint: string | null = null;
  const save = async (name: 'best' | 'last'): Promise<string> => {
    state.rng = getRandomState();
    const dir = await saveCheckpoint(input.runDir, name, model, optimizer, { ...state, epochSums: { ...state.epochSums }, windowSums: { ...state.windowSums! } });
    if (name === 'last') lastCheckpoint = dir;
    return dir;
  };
  const it = new BucketIterator(input.train, {
    batchSize: config.batchSize, padIndex: input.padIndex, unkIndex: input.unkIndex, seed: config.seed,
    ...(config.maxLength > 0 ? { maxLength: config.maxLength } : {}),
  });
  const evalOpts = { batchSize: Math.max(config.batchSize, 128), padIndex: input.padIndex, unkIndex: input.unkIndex, maxLength: config.maxLength };
  const stepsInEpoch = it.length;
  // The lr is a function of the global step alone, so a resumed run picks it up exactly.
  let schedule: LRScheduler | null = null;
  if (config.schedule === 'onecycle') {
    schedule = new OneCycleLR(optimizer, { maxLr: config.lr, totalSteps: Math.max(1, config.epochs * stepsInEpoch) });
    schedule.loadStateDict({ epoch: Math.min(state.step, config.epochs * stepsInEpoch) });
  }
  const trainStep = makeTrainStep(model, optimizer, config.clip);
  model.train();
  while (state.epoch < config.epochs && !state.finished) {
    const epoch = state.epoch;
    let s = 0;
    for (const batch of it.epoch(epoch)) {
      if (s++ < state.stepInEpoch) continue; // already done before the resume
      if (stop.requested) return { status: 'interrupted', signal: stop.requested, state, lastCheckpoint: await save('last') };
      const t0 = performance.now();
      if (nanAtStep() === state.step + 1) return { status: 'nan', state, nan: { epoch: epoch + 1, step: state.step + 1, loss: NaN }, lastCheckpoint };
      const { loss, correct } = await trainStep(batch);
      if (!Number.isFinite(loss)) return { status: 'nan', state, nan: { epoch: epoch + 1, step: state.step + 1, loss }, lastCheckpoint };
      const tokens = batch.lengths.reduce((a, b) => a + b, 0);
      const dt = (performance.now() - t0) / 1000;
      for (const sums of [state.epochSums, state.windowSums!]) {
        sums.loss += loss * batch.batchSize;
        sums.correct += correct;
        sums.count += batch.batchSize;
        sums.tokens += tokens;
        sums.seconds += dt;
      }
      state.trainSeconds += dt;
      state.step++;
      schedule?.step();
      state.stepInEpoch++;
      const w = state.windowSums!;
      progress.step({
        epoch: epoch + 1, epochs: config.epochs, stepInEpoch: state.stepInEpoch, stepsInEpoch, step: state.step,
        loss: state.epochSums.loss / state.epochSums.count, acc: state.epochSums.correct / state.epochSums.count,
        tokensPerSec: state.epochSums.tokens / Math.max(state.epochSums.seconds, 1e-9), epochElapsed: state.epochSums.seconds,
      });
      if (state.step % config.logEvery === 0 || state.stepInEpoch === stepsInEpoch) {
        const row = { type: 'step' as const, epoch: epoch + 1, step: state.step, loss: w.loss / w.count, acc: w.correct / w.count, tokensPerSec: w.tokens / Math.max(w.seconds, 1e-9), elapsed: state.trainSeconds };
        appendMetrics(input.metricsPath, row);
        progress.window(row, { epochs: config.epochs, stepsInEpoch, stepInEpoch: state.stepInEpoch });
        state.windowSums = zeroSums();
      }
      if (config.maxSteps > 0 && state.step >= config.maxSteps && state.stepInEpoch < stepsInEpoch) {
        return { status: 'max-steps', state, lastCheckpoint: await save('last') };
      }
      await tick(); // let signal handlers run
    }
    const v = await evaluate(model, input.valid, evalOpts);
    model.train();
    const e = state.epochSums;
    const best = v.acc > state.bestValidAcc;
    const row: EpochRow = {
      type: 'epoch', epoch: epoch + 1, step: state.step, trainLoss: e.loss / e.count, trainAcc: e.correct / e.count,
      validLoss: v.loss, validAcc: v.acc, seconds: e.seconds + v.seconds, best,
    };
    state.trainSeconds += v.seconds;
    state.epoch++;
    state.stepInEpoch = 0;
    state.epochSums = zeroSums();
    state.finished = state.epoch >= config.epochs;
    // The epoch row goes to the log before `best` is saved, so a run resumed from `best` (when a
    // crash took `last`) has every row up to its state.
    appendMetrics(input.metricsPath, row);
    if (best) {
      state.bestValidAcc = v.acc;
      state.bestEpoch = epoch + 1;
      await save('best');
    }
    progress.epochEnd(row);
    await save('last');
    if (config.maxSteps > 0 && state.step >= config.maxSteps && !state.finished) return { status: 'max-steps', state, lastCheckpoint };
    if (stop.requested && !state.finished) return { status: 'interrupted', signal: stop.requested, state, lastCheckpoint };
  }
  return { status: 'finished', state, lastCheckpoint };
}
