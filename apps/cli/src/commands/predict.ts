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

const HELP = formatHelp('recur predict RUN ["text" ...]', 'Prints P(positive) and the label of each text. Without texts, reads one text per line from stdin\n(blank lines skipped). Texts are cut to the run\'s --max-length tokens (0 = all), exactly as in\ntraining, eval, the ONNX export and serve; words outside the vocabulary read as <unk>. --json\nreports tokens, tokensUsed and unknownTokens per text. A text without tokens is an error.', OPTIONS);

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
    const tokens = inputs.map((t) => tokenize(t));
    const empty = tokens.findIndex((t) => t.length === 0);
    if (empty >= 0) throw usageError(`text ${empty + 1} has no tokens after basic_english tokenization (serve rejects such texts too); give a text with words`);
    const encoded = tokens.map((t) => ({ ids: vocab.lookupIndices(t) }));
    const logits = await predictLogits(model, encoded, { batchSize: 128, padIndex: vocab.padIndex, unkIndex: vocab.unkIndex, maxLength: config.maxLength });
    inputs.forEach((text, i) => {
      const p = sigmoidOf(logits[i]!);
      const label = p >= 0.5 ? 'positive' : 'negative';
      const ids = encoded[i]!.ids;
      const used = config.maxLength > 0 ? Math.min(ids.length, config.maxLength) : ids.length;
      const unknown = ids.slice(0, used).filter((id) => id === vocab.unkIndex).length;
      if (v.json) process.stdout.write(`${JSON.stringify({ text, probability: p, label, tokens: ids.length, tokensUsed: used, unknownTokens: unknown })}\n`);
      else process.stdout.write(`${p.toFixed(4)}\t${label}\t${text.length > 70 ? `${text.slice(0, 67)}...` : text}\n`);
    });
    return 0;
  } finally {
    model.dispose();
  }
}

export const predictCommand: Command = { summary: 'classify texts', run };
