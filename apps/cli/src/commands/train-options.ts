/** Options of `recur train` and how they combine with a preset into a {@link TrainConfig}. */
import { choiceOption, numberOption, type OptionSpecs, type ParsedArgs } from '../args.js';
import { CELLS, OPTIMIZERS, POOLINGS, SCHEDULES, presetConfig, type PoolMode, type TrainConfig } from '../config.js';
import { usageError } from '../errors.js';

export const TRAIN_OPTIONS: OptionSpecs = {
  data: { type: 'string', arg: 'PATH', help: 'aclImdb folder, aclImdb_v1.tar.gz, or TSV/CSV/JSONL with text,label (default: built-in corpus)' },
  test: { type: 'string', arg: 'FILE', help: 'separate labelled test file for TSV/CSV/JSONL data' },
  out: { type: 'string', arg: 'DIR', help: 'run directory (default runs/<timestamp>)' },
  preset: { type: 'string', arg: 'NAME', help: 'tiny (default) | fast (IMDB in minutes) | accurate (IMDB ≥ 89 %) | seed (the tutorial model)' },
  resume: { type: 'string', arg: 'RUN', help: 'continue an interrupted run from its last checkpoint' },
  cell: { type: 'string', arg: 'rnn|lstm|gru', help: 'recurrent cell' },
  layers: { type: 'string', arg: 'N', help: 'stacked recurrent layers' },
  hidden: { type: 'string', arg: 'N', help: 'hidden size' },
  'embedding-dim': { type: 'string', arg: 'N', help: 'embedding size (must match --glove)' },
  bidirectional: { type: 'boolean', help: 'bidirectional recurrent layers' },
  'no-bidirectional': { type: 'boolean', help: 'one direction only' },
  dropout: { type: 'string', arg: 'P', help: 'dropout on embeddings, between layers and before the classifier' },
  pooling: { type: 'string', arg: 'MODES', help: 'what the classifier reads, comma-separated: max, mean, last (default last)' },
  'embedding-dropout': { type: 'string', arg: 'P', help: 'drop whole token embeddings with probability P in training' },
  schedule: { type: 'string', arg: 'constant|onecycle', help: 'learning-rate schedule over the run (onecycle: warm-up to --lr, then cosine decay)' },
  glove: { type: 'string', arg: 'PATH|NAME', help: 'pretrained vectors: a GloVe/word2vec file, a name such as glove.6B.100d (looked up in $RECUR_DATA/glove), or none' },
  'max-vocab': { type: 'string', arg: 'N', help: 'most frequent training tokens kept (plus <unk>, <pad>)' },
  'min-freq': { type: 'string', arg: 'N', help: 'drop tokens seen fewer times' },
  'max-length': { type: 'string', arg: 'N', help: 'tokens kept per text (0 = all)' },
  'batch-size': { type: 'string', arg: 'N', help: 'examples per step' },
  epochs: { type: 'string', arg: 'N', help: 'passes over the training set' },
  lr: { type: 'string', arg: 'X', help: 'learning rate' },
  optimizer: { type: 'string', arg: 'NAME', help: 'adam | adamw | sgd | rmsprop' },
  clip: { type: 'string', arg: 'X', help: 'clip the gradient norm to X (0 = off)' },
  seed: { type: 'string', arg: 'N', help: 'seed for the split, init, dropout and batch order' },
  'valid-split': { type: 'string', arg: 'P', help: 'share of the training data held out for validation' },
  limit: { type: 'string', arg: 'N', help: 'use only N training examples (0 = all)' },
  'test-limit': { type: 'string', arg: 'N', help: 'evaluate on a seeded sample of N test examples (0 = all)' },
  'max-steps': { type: 'string', arg: 'N', help: 'stop after N optimizer steps (a resumable checkpoint is saved)' },
  'log-every': { type: 'string', arg: 'N', help: 'steps per metrics-log window' },
  baseline: { type: 'boolean', help: 'also fit the bag-of-words baseline (default on)' },
  'no-baseline': { type: 'boolean', help: 'skip the bag-of-words baseline' },
  backend: { type: 'string', arg: 'cpu|webgpu', help: 'compute backend (default cpu)' },
  threads: { type: 'string', arg: 'N', help: 'CPU threads for the WebAssembly kernels (default $RECUR_THREADS or 1)' },
  json: { type: 'boolean', help: 'machine-readable progress: one JSON object per line on stdout' },
};

/** Fields of TrainConfig settable from flags (everything except data paths, preset). */
export function applyTrainFlags(base: TrainConfig, v: ParsedArgs['values']): TrainConfig {
  const c: TrainConfig = { ...base, model: { ...base.model } };
  const n = (name: string, rule: { int?: boolean; min?: number; max?: number }) => numberOption('train', v, name, rule);
  const set = <T>(x: T | undefined, f: (x: T) => void) => x !== undefined && f(x);
  set(choiceOption('train', v, 'cell', CELLS), (x) => (c.model.cell = x));
  set(n('layers', { int: true, min: 1, max: 16 }), (x) => (c.model.layers = x));
  set(n('hidden', { int: true, min: 1 }), (x) => (c.model.hidden = x));
  set(n('embedding-dim', { int: true, min: 1 }), (x) => (c.model.embeddingDim = x));
  if (v.bidirectional && v['no-bidirectional']) throw usageError(`--bidirectional and --no-bidirectional conflict (see recur train --help)`);
  if (v.bidirectional) c.model.bidirectional = true;
  if (v['no-bidirectional']) c.model.bidirectional = false;
  set(n('dropout', { min: 0, max: 0.99 }), (x) => (c.model.dropout = x));
  set(n('embedding-dropout', { min: 0, max: 0.99 }), (x) => (c.model.embeddingDropout = x));
  if (typeof v.pooling === 'string') {
    const modes = v.pooling.split(',').map((x) => x.trim());
    const bad = modes.find((x) => !POOLINGS.includes(x as PoolMode));
    if (bad !== undefined || new Set(modes).size !== modes.length) throw usageError(`--pooling ${v.pooling}: give distinct modes among ${POOLINGS.join(', ')}, e.g. --pooling max,mean,last`);
    c.model.pooling = modes as PoolMode[];
  }
  set(choiceOption('train', v, 'schedule', SCHEDULES), (x) => (c.schedule = x));
  if (typeof v.glove === 'string') c.glove = v.glove === 'none' || v.glove === '' ? null : v.glove;
  set(n('max-vocab', { int: true, min: 1 }), (x) => (c.maxVocab = x));
  set(n('min-freq', { int: true, min: 1 }), (x) => (c.minFreq = x));
  set(n('max-length', { int: true, min: 0 }), (x) => (c.maxLength = x));
  set(n('batch-size', { int: true, min: 1 }), (x) => (c.batchSize = x));
  set(n('epochs', { int: true, min: 1 }), (x) => (c.epochs = x));
  set(n('lr', { min: 0 }), (x) => (c.lr = x));
  set(choiceOption('train', v, 'optimizer', OPTIMIZERS), (x) => (c.optimizer = x));
  set(n('clip', { min: 0 }), (x) => (c.clip = x));
  set(n('seed', { int: true, min: 0, max: 2 ** 32 - 1 }), (x) => (c.seed = x));
  set(n('valid-split', { min: 0.001, max: 0.999 }), (x) => (c.validSplit = x));
  set(n('limit', { int: true, min: 0 }), (x) => (c.limit = x));
  set(n('test-limit', { int: true, min: 0 }), (x) => (c.testLimit = x));
  set(n('max-steps', { int: true, min: 0 }), (x) => (c.maxSteps = x));
  set(n('log-every', { int: true, min: 1 }), (x) => (c.logEvery = x));
  if (typeof v.data === 'string') c.data = v.data;
  if (typeof v.test === 'string') c.test = v.test;
  if (v.baseline && v['no-baseline']) throw usageError(`--baseline and --no-baseline conflict (see recur train --help)`);
  if (v['no-baseline']) c.baseline = false;
  if (v.baseline) c.baseline = true;
  return c;
}

/** The configuration of a new run: preset (default tiny) + flags. */
export function configFromFlags(v: ParsedArgs['values']): TrainConfig {
  const preset = typeof v.preset === 'string' ? v.preset : 'tiny';
  return applyTrainFlags(presetConfig(preset), v);
}

/** Flags that may change when resuming (everything else comes from the run's config.json). */
export const RESUME_ALLOWED = new Set(['resume', 'json', 'debug', 'backend', 'threads', 'max-steps', 'epochs', 'help']);
