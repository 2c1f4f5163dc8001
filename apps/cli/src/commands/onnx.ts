/** ONNX commands (export, verify, serve): thin wrappers over @recur/onnx-export. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatHelp, numberOption, parseCommand, type OptionSpecs } from '../args.js';
import { loadEvalSet } from '../data/load.js';
import { CliError, oneLine, usageError } from '../errors.js';
import type { Command } from '../main.js';
import { loadRunModel } from '../run-dir.js';

const PROVIDERS = ['cpu', 'cuda', 'webgpu'] as const;
type Provider = (typeof PROVIDERS)[number];

function provider(cmd: string, v: Record<string, unknown>): Provider {
  const p = v.provider ?? 'cpu';
  if (!(PROVIDERS as readonly unknown[]).includes(p)) throw usageError(`option '--provider' must be one of ${PROVIDERS.join('|')}, got '${String(p)}' (see recur ${cmd} --help)`);
  return p as Provider;
}

async function wrap<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${what}: ${oneLine(e)}`);
  }
}

const EXPORT_OPTIONS: OptionSpecs = {
  onnx: { type: 'string', arg: 'FILE', help: 'output .onnx file (required)' },
  checkpoint: { type: 'string', arg: 'best|last', help: 'which checkpoint (default best)' },
  opset: { type: 'string', arg: 'N', help: 'ONNX opset (default 17)' },
};

async function exportRun(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCommand('export', argv, EXPORT_OPTIONS, { maxPositionals: 1 });
  if (v.help) return (process.stdout.write(formatHelp('recur export RUN --onnx model.onnx', 'Exports a run (model + vocabulary + tokenizer settings) to one ONNX file that onnxruntime and `recur serve` run.', EXPORT_OPTIONS)), 0);
  if (!positionals[0]) throw usageError('missing RUN directory (see recur export --help)');
  if (typeof v.onnx !== 'string') throw usageError("missing '--onnx FILE' (see recur export --help)");
  const which = v.checkpoint ?? 'best';
  if (which !== 'best' && which !== 'last') throw usageError(`option '--checkpoint' must be best or last, got '${String(which)}'`);
  const opset = numberOption('export', v, 'opset', { int: true, min: 14, max: 21 });
  const { config, vocab, model, checkpoint } = loadRunModel(resolve(positionals[0]), which);
  try {
    const { exportSentimentModel } = await import('@recur/onnx-export');
    const { saveOnnx } = await import('@recur/onnx-export/node');
    const json = vocab.toJSON();
    const { bytes, warnings } = await wrap('export', () => exportSentimentModel(model.eval(), {
      tokenizer: 'basic_english', lowercase: true, vocab: json.tokens, padIndex: vocab.padIndex, unkIndex: vocab.unkIndex,
      ...(config.maxLength > 0 ? { maxLength: config.maxLength } : {}),
      ...(opset !== undefined ? { opset } : {}),
      metadata: { 'recur.run': resolve(positionals[0]!), 'recur.checkpoint': which },
    }));
    await wrap('export', () => saveOnnx(resolve(v.onnx as string), bytes));
    for (const w of warnings ?? []) process.stdout.write(`warning: ${w}\n`);
    process.stdout.write(`exported ${checkpoint} to ${v.onnx} (${bytes.length} bytes; inputs text [T, B] int32 + lengths [B]; outputs logits, probabilities)\n`);
    return 0;
  } finally {
    model.dispose();
  }
}

const VERIFY_OPTIONS: OptionSpecs = {
  data: { type: 'string', arg: 'PATH', help: "texts to compare on (default: the run's test data)" },
  texts: { type: 'string', arg: 'N', help: 'number of texts (default 64)' },
  checkpoint: { type: 'string', arg: 'best|last', help: 'which checkpoint the file came from (default best)' },
  provider: { type: 'string', arg: 'cpu|cuda|webgpu', help: 'onnxruntime execution provider (default cpu)' },
  tolerance: { type: 'string', arg: 'X', help: 'largest allowed |ORT − Recur| (default 1e-5)' },
};

async function verify(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCommand('verify', argv, VERIFY_OPTIONS, { maxPositionals: 2 });
  if (v.help) return (process.stdout.write(formatHelp('recur verify model.onnx RUN', 'Runs the ONNX file in onnxruntime and the run in Recur on the same texts; prints the largest difference.', VERIFY_OPTIONS)), 0);
  const [file, runArg] = positionals;
  if (!file || !runArg) throw usageError('usage: recur verify model.onnx RUN (see recur verify --help)');
  if (!existsSync(file)) throw new CliError(`ONNX file not found: ${file}`);
  const which = v.checkpoint ?? 'best';
  if (which !== 'best' && which !== 'last') throw usageError(`option '--checkpoint' must be best or last, got '${String(which)}'`);
  const n = numberOption('verify', v, 'texts', { int: true, min: 1 }) ?? 64;
  const tolerance = numberOption('verify', v, 'tolerance', { min: 0 }) ?? 1e-5;
  const { config, model } = loadRunModel(resolve(runArg), which);
  try {
    const dataArg = typeof v.data === 'string' ? v.data : config.data === null ? null : config.test ?? config.data;
    const { examples, source } = await loadEvalSet(dataArg, { limit: n, seed: config.seed });
    const { verifyOnTexts } = await import('@recur/onnx-export/node');
    const r = await wrap('verify', () => verifyOnTexts(resolve(file), model, examples.map((x) => x.text), { provider: provider('verify', v), tolerance }));
    if (r.fallbackNote) process.stdout.write(`note: ${r.fallbackNote}\n`);
    process.stdout.write(`${examples.length} texts from ${source}, provider ${r.provider}\n`);
    const sizes = (x: Record<string, number>) => Object.entries(x).map(([k, n]) => `${k} ${n}`).join(', ');
    if (r.runs.length > 1) process.stdout.write(`compared on the texts (${sizes(r.runs[0]!.sizes)}) and on random ids of other sizes (${r.runs.slice(1).map((x) => sizes(x.sizes)).join('; ')})\n`);
    for (const [name, d] of Object.entries(r.outputs)) process.stdout.write(`  ${name}: max |ORT - Recur| = ${d.toExponential(2)}\n`);
    process.stdout.write(`${r.ok ? 'OK' : 'MISMATCH'}: max difference ${r.maxAbsDiff.toExponential(2)} (tolerance ${tolerance})\n`);
    return r.ok ? 0 : 1;
  } finally {
    model.dispose();
  }
}

const SERVE_OPTIONS: OptionSpecs = {
  port: { type: 'string', arg: 'N', help: 'port (default 8080; 0 picks a free one)' },
  host: { type: 'string', arg: 'HOST', help: 'interface (default 127.0.0.1)' },
  provider: { type: 'string', arg: 'cpu|cuda|webgpu', help: 'onnxruntime execution provider (default cpu)' },
};

async function serve(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCommand('serve', argv, SERVE_OPTIONS, { maxPositionals: 1 });
  if (v.help) return (process.stdout.write(formatHelp('recur serve model.onnx [--port N]', 'Serves POST /predict {"texts": [...]} → probabilities and labels, plus GET /health, until Ctrl-C.\nTexts are cut to the run\'s --max-length tokens (stored in the file; none = every token), as in\npredict and eval; at most 64 texts and 1 MiB per request; empty texts are rejected. GET /health\nlists these limits.', SERVE_OPTIONS)), 0);
  const file = positionals[0];
  if (!file) throw usageError('missing model.onnx (see recur serve --help)');
  if (!existsSync(file)) throw new CliError(`ONNX file not found: ${file}`);
  const port = numberOption('serve', v, 'port', { int: true, min: 0, max: 65535 }) ?? 8080;
  const { createPredictionServer } = await import('@recur/onnx-export/node');
  // The server applies the file's own token cap (the run's --max-length) and states every limit in /health.
  const srv = await wrap('serve', () => createPredictionServer({ modelPath: resolve(file), port, host: typeof v.host === 'string' ? v.host : '127.0.0.1', provider: provider('serve', v) }));
  if (srv.fallbackNote) process.stdout.write(`note: ${srv.fallbackNote}\n`);
  process.stdout.write(`serving ${file} at ${srv.url} (POST /predict {"texts": [...]}, GET /health); Ctrl-C to stop\n`);
  const sig = await new Promise<NodeJS.Signals>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await srv.close();
  process.stdout.write(`${sig}: server stopped\n`);
  return 0;
}

export const exportCommand: Command = { summary: 'export a run to ONNX', run: exportRun };
export const verifyCommand: Command = { summary: 'verify an ONNX file against its run', run: verify };
export const serveCommand: Command = { summary: 'serve an ONNX classifier over HTTP', run: serve };
