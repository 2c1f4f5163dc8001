/**
 * `recur` entry point: dispatches to a command and turns every failure into one line on stderr
 * (`recur: <reason>`) and a non-zero exit code; `--debug` adds the stack trace.
 */
import { createRequire } from 'node:module';
import { CliError, oneLine, usageError } from './errors.js';
import { closest } from './suggest.js';

/** The installed package's version (package.json sits one level above both src/ and dist/). */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  train: async () => (await import('./commands/train.js')).trainCommand,
  eval: async () => (await import('./commands/eval.js')).evalCommand,
  predict: async () => (await import('./commands/predict.js')).predictCommand,
  info: async () => (await import('./commands/info.js')).infoCommand,
  data: async () => (await import('./commands/data.js')).dataCommand,
  export: async () => (await import('./commands/onnx.js')).exportCommand,
  verify: async () => (await import('./commands/onnx.js')).verifyCommand,
  serve: async () => (await import('./commands/onnx.js')).serveCommand,
};

const SUMMARIES: Record<string, string> = {
  train: 'train a sentiment classifier (built-in corpus by default, or --data)',
  eval: 'evaluate a run on a data set: accuracy, loss, confusion matrix',
  predict: 'print the probability and label of texts (arguments or stdin)',
  info: 'architecture and parameter count of a run or a preset',
  data: 'download IMDB or GloVe (recur data download imdb|glove)',
  export: 'export a run to ONNX (recur export RUN --onnx model.onnx)',
  verify: 'check an ONNX file against its run (recur verify model.onnx RUN)',
  serve: 'serve predictions over HTTP from an ONNX file',
};

export function mainHelp(): string {
  const w = Math.max(...Object.keys(SUMMARIES).map((k) => k.length)) + 2;
  return [
    'Usage: recur <command> [options]',
    '',
    'Recurrent sentiment classifiers: train, evaluate, predict, inspect.',
    '',
    'Commands:',
    ...Object.entries(SUMMARIES).map(([k, v]) => `  ${k.padEnd(w)}${v}`),
    '',
    'Run `recur <command> --help` (or `recur help <command>`) for the options of a command.',
    'Quick start: `recur train` trains on the built-in corpus in about a minute.',
    '',
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const [name, ...rest] = argv;
    if (name === 'help' && rest[0] !== undefined && COMMANDS[rest[0]]) return await (await COMMANDS[rest[0]]!()).run(['--help']);
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(mainHelp());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-v') {
      process.stdout.write(`recur ${VERSION}\n`);
      return 0;
    }
    const load = COMMANDS[name];
    if (!load) {
      const hint = closest(name, Object.keys(COMMANDS));
      throw usageError(name.startsWith('-') ? `unknown option '${name}' (see recur --help)` : `unknown command '${name}' (${hint ? `did you mean ${hint}? ` : ''}see recur --help)`);
    }
    return await (await load()).run(rest);
  } catch (e) {
    if (debug && e instanceof Error) process.stderr.write(`${e.stack ?? e.message}\n`);
    process.stderr.write(`recur: ${oneLine(e)}\n`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

/** Process entry: runs the CLI and exits with its code once output is flushed. */
export async function main(argv: string[]): Promise<void> {
  const code = await runCli(argv);
  process.exitCode = code;
}
