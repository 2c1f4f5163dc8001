/** `recur info RUN` / `recur info --preset NAME`: architecture, parameter count, configuration. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatHelp, numberOption, parseCommand, type OptionSpecs } from '../args.js';
import { describeModel, presetConfig, type TrainConfig } from '../config.js';
import { readJson } from '../fs-util.js';
import { usageError } from '../errors.js';
import type { Command } from '../main.js';
import { openRun, runFiles } from '../run-dir.js';
import { checkpointDir } from '../train/checkpoint.js';
import { buildModel } from '../train/model.js';

const OPTIONS: OptionSpecs = {
  preset: { type: 'string', arg: 'NAME', help: 'describe a preset instead of a run (tiny|fast|seed)' },
  'vocab-size': { type: 'string', arg: 'N', help: 'vocabulary size for --preset (default max-vocab + 2)' },
  json: { type: 'boolean', help: 'print one JSON object' },
};

const HELP = formatHelp('recur info RUN | recur info --preset NAME', 'Shows the architecture (PyTorch-style), the parameter count and the configuration.', OPTIONS);

async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCommand('info', argv, OPTIONS, { maxPositionals: 1 });
  if (v.help) return (process.stdout.write(HELP), 0);
  let config: TrainConfig;
  let vocabSize: number;
  let padIdx = 1;
  let extra: Record<string, unknown> = {};
  if (typeof v.preset === 'string') {
    if (positionals[0]) throw usageError('give either RUN or --preset, not both (see recur info --help)');
    config = presetConfig(v.preset);
    vocabSize = numberOption('info', v, 'vocab-size', { int: true, min: 2 }) ?? config.maxVocab + 2;
  } else {
    if (!positionals[0]) throw usageError('missing RUN directory or --preset NAME (see recur info --help)');
    const dir = resolve(positionals[0]);
    const r = openRun(dir);
    config = r.config;
    vocabSize = r.vocab.size;
    padIdx = r.vocab.padIndex;
    const f = runFiles(dir);
    const summary = existsSync(f.summary) ? readJson<Record<string, unknown>>(f.summary, 'run summary') : {};
    extra = { status: summary.status, testAcc: summary.testAcc, bestValidAcc: summary.bestValidAcc, trainSeconds: summary.trainSeconds, best: checkpointDir(dir, 'best'), last: checkpointDir(dir, 'last') };
  }
  const model = buildModel(config, vocabSize, padIdx);
  try {
    const params = model.numParameters(true);
    if (v.json) {
      process.stdout.write(`${JSON.stringify({ architecture: describeModel(config.model), parameters: params, vocabSize, config, ...extra })}\n`);
      return 0;
    }
    const lines = [model.repr(), '', `architecture: ${describeModel(config.model)}`, `vocabulary: ${vocabSize.toLocaleString('en-US')}`, `trainable parameters: ${params.toLocaleString('en-US')}`];
    for (const [k, val] of Object.entries(extra)) if (val !== undefined && val !== null) lines.push(`${k}: ${typeof val === 'number' && k.endsWith('Acc') ? `${(100 * val).toFixed(2)}%` : String(val)}`);
    lines.push(`config: ${JSON.stringify({ ...config, model: undefined })}`, '');
    process.stdout.write(lines.join('\n'));
    return 0;
  } finally {
    model.dispose();
  }
}

export const infoCommand: Command = { summary: 'describe a run or preset', run };
