/** `recur eval RUN --data PATH`: accuracy, loss and confusion matrix of a run's best checkpoint. */
import { resolve } from 'node:path';
import { encodeExamples } from '@recur/text';
import { formatHelp, numberOption, parseCommand, type OptionSpecs } from '../args.js';
import { selectBackend } from '../backend.js';
import { loadEvalSet } from '../data/load.js';
import { runEvalSet } from '../data/run-eval-set.js';
import { usageError } from '../errors.js';
import type { Command } from '../main.js';
import { resolveDataArg } from '../paths.js';
import { loadRunModel } from '../run-dir.js';
import { tokenize } from '../train/setup.js';
import { evaluate } from '../train/step.js';

const OPTIONS: OptionSpecs = {
  data: { type: 'string', arg: 'PATH', help: "labelled data: aclImdb folder/archive (its test split), TSV/CSV/JSONL; default: the run's test data, or its validation split when it had no test file" },
  split: { type: 'string', arg: 'train|test', help: 'IMDB split to evaluate (default test)' },
  checkpoint: { type: 'string', arg: 'best|last', help: 'which checkpoint (default best)' },
  limit: { type: 'string', arg: 'N', help: 'evaluate a seeded sample of N examples (0 = all)' },
  'batch-size': { type: 'string', arg: 'N', help: 'examples per forward pass (default 128)' },
  backend: { type: 'string', arg: 'cpu|webgpu', help: 'compute backend (default cpu)' },
  json: { type: 'boolean', help: 'print the result as one JSON object' },
};

const HELP = formatHelp('recur eval RUN [--data PATH]', 'Evaluates a trained run: accuracy, mean BCE loss and the confusion matrix. Texts are cut to the\nrun\'s --max-length tokens (as in training, predict, export and serve); unknown words read as <unk>.\nWithout --data: the run\'s test set; for a CSV/TSV/JSONL run without --test, its validation split\n(never the texts it was trained on).', OPTIONS);

async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCommand('eval', argv, OPTIONS, { maxPositionals: 1 });
  if (v.help) return (process.stdout.write(HELP), 0);
  if (!positionals[0]) throw usageError('missing RUN directory (see recur eval --help)');
  const which = v.checkpoint ?? 'best';
  if (which !== 'best' && which !== 'last') throw usageError(`option '--checkpoint' must be best or last, got '${String(which)}'`);
  const split = v.split ?? 'test';
  if (split !== 'train' && split !== 'test') throw usageError(`option '--split' must be train or test, got '${String(split)}'`);
  await selectBackend(typeof v.backend === 'string' ? v.backend : 'cpu');
  const { config, vocab, model, checkpoint } = loadRunModel(resolve(positionals[0]), which);
  try {
    const limit = numberOption('eval', v, 'limit', { int: true, min: 0 }) ?? 0;
    const { examples, source } = typeof v.data === 'string'
      ? await loadEvalSet(resolveDataArg(v.data), { limit, seed: config.seed, split })
      : await runEvalSet(config, { limit, split });
    const batchSize = numberOption('eval', v, 'batch-size', { int: true, min: 1 }) ?? 128;
    const r = await evaluate(model, encodeExamples(examples, tokenize, vocab), { batchSize, padIndex: vocab.padIndex, unkIndex: vocab.unkIndex, maxLength: config.maxLength });
    const cut = config.maxLength > 0 ? `first ${config.maxLength} tokens of each text (the run's --max-length)` : 'all tokens of each text';
    if (v.json) {
      process.stdout.write(`${JSON.stringify({ data: source, checkpoint, maxLength: config.maxLength, ...r })}\n`);
      return 0;
    }
    const [[tn, fp], [fn, tp]] = r.confusion;
    const w = String(Math.max(tn, fp, fn, tp)).length + 2;
    const c = (x: number) => String(x).padStart(w);
    process.stdout.write(
      [
        `data: ${source} (${r.count} texts)`,
        `checkpoint: ${checkpoint}`,
        `input: ${cut}; words outside the vocabulary read as <unk>`,
        `accuracy: ${(100 * r.acc).toFixed(2)}%`,
        `loss: ${r.loss.toFixed(4)}`,
        'confusion matrix (rows: true, columns: predicted):',
        `${' '.repeat(10)}${'neg'.padStart(w)}${'pos'.padStart(w)}`,
        `  true neg${c(tn)}${c(fp)}`,
        `  true pos${c(fn)}${c(tp)}`,
        `time: ${r.seconds.toFixed(1)}s`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    model.dispose();
  }
}

export const evalCommand: Command = { summary: 'evaluate a run', run };
