/** `recur predict RUN "text…"`: probability and label per text (arguments, or one per stdin line). */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { formatHelp, parseCommand, type OptionSpecs } from '../args.js';
import { selectBackend } from '../backend.js';
import { usageError } from '../errors.js';
import type { Command } from '../main.js';
import { loadRunModel } from '../run-dir.js';
import { tokenize } from '../train/setup.js';
import { predictLogits, sigmoidOf } from '../train/step.js';

const OPTIONS: OptionSpecs = {
  checkpoint: { type: 'string', arg: 'best|last', help: 'which checkpoint (default best)' },
  backend: { type: 'string', arg: 'cpu|webgpu', help: 'compute backend (default cpu)' },
  json: { type: 'boolean', help: 'one JSON object per text' },
};

const HELP = formatHelp('recur predict RUN ["text" ...]', 'Prints P(positive) and the label of each text. Without texts, reads one text per line from stdin.', OPTIONS);

async function readStdinLines(): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) if (line.trim() !== '') lines.push(line);
  return lines;
}

async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCommand('predict', argv, OPTIONS, { maxPositionals: Infinity });
  if (v.help) return (process.stdout.write(HELP), 0);
  const [runArg, ...texts] = positionals;
  if (!runArg) throw usageError('missing RUN directory (see recur predict --help)');
  const which = v.checkpoint ?? 'best';
  if (which !== 'best' && which !== 'last') throw usageError(`option '--checkpoint' must be best or last, got '${String(which)}'`);
  await selectBackend(typeof v.backend === 'string' ? v.backend : 'cpu');
  const { config, vocab, model } = loadRunModel(resolve(runArg), which);
  try {
    const inputs = texts.length ? texts : await readStdinLines();
    if (inputs.length === 0) throw usageError('no text to classify (give texts as arguments or on stdin)');
    const encoded = inputs.map((t) => ({ ids: vocab.lookupIndices(tokenize(t)) }));
    const logits = await predictLogits(model, encoded, { batchSize: 128, padIndex: vocab.padIndex, unkIndex: vocab.unkIndex, maxLength: config.maxLength });
    inputs.forEach((text, i) => {
      const p = sigmoidOf(logits[i]!);
      const label = p >= 0.5 ? 'positive' : 'negative';
      if (v.json) process.stdout.write(`${JSON.stringify({ text, probability: p, label })}\n`);
      else process.stdout.write(`${p.toFixed(4)}\t${label}\t${text.length > 70 ? `${text.slice(0, 67)}...` : text}\n`);
    });
    return 0;
  } finally {
    model.dispose();
  }
}

export const predictCommand: Command = { summary: 'classify texts', run };
