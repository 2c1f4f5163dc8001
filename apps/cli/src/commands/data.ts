/** `recur data download imdb|glove`: fetch the public data sets with @recur/text's resumable downloader. */
import { join, resolve } from 'node:path';
import { DATASETS, download } from '@recur/text/node';
import { formatHelp, parseCommand, type OptionSpecs } from '../args.js';
import { CliError, oneLine, usageError } from '../errors.js';
import type { Command } from '../main.js';
import { dataDir } from '../paths.js';

const OPTIONS: OptionSpecs = {
  dir: { type: 'string', arg: 'DIR', help: 'data directory (default $RECUR_DATA, the shared data folder, or ~/.cache/recur)' },
};

const HELP = formatHelp(
  'recur data download imdb|glove [--dir DIR]',
  'Downloads IMDB (aclImdb_v1.tar.gz, 84 MB, read without unpacking) or GloVe 6B (glove.6B.zip, 862 MB).\nInterrupted downloads resume; files are checked before they are kept.',
  OPTIONS,
);

async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCommand('data', argv, OPTIONS, { maxPositionals: 2 });
  if (v.help) return (process.stdout.write(HELP), 0);
  const [action, what] = positionals;
  if (action !== 'download') throw usageError(`unknown data action '${action ?? ''}' (see recur data --help)`);
  if (what !== 'imdb' && what !== 'glove') throw usageError(`recur data download: choose imdb or glove, got '${what ?? ''}'`);
  const base = resolve(typeof v.dir === 'string' ? v.dir : dataDir());
  const spec = what === 'imdb' ? DATASETS.imdb : DATASETS.glove6B;
  const dest = join(base, what, spec.file);
  const tty = process.stderr.isTTY;
  let last = 0;
  process.stdout.write(`downloading ${spec.url}\n  to ${dest}\n`);
  try {
    const r = await download(spec.url, dest, {
      size: spec.size,
      ...('md5' in spec ? { md5: spec.md5 } : {}),
      onProgress: (n, total) => {
        const now = Date.now();
        if (!tty || now - last < 200) return;
        last = now;
        process.stderr.write(`\r\x1b[2K  ${(n / 2 ** 20).toFixed(1)} MB${total ? ` / ${(total / 2 ** 20).toFixed(1)} MB` : ''}`);
      },
    });
    if (tty) process.stderr.write('\r\x1b[2K');
    process.stdout.write(`${r.cached ? 'already present' : 'done'}: ${r.path} (${r.bytes} bytes, sha256 ${r.sha256.slice(0, 16)}…)\n`);
  } catch (e) {
    throw new CliError(`download of ${what} failed: ${oneLine(e)} (run the same command again to resume)`);
  }
  process.stdout.write(what === 'imdb' ? `train with: recur train --data ${dest} --preset fast\n` : `use with: recur train --glove glove.6B.100d (looked up in ${join(base, 'glove')})\n`);
  return 0;
}

export const dataCommand: Command = { summary: 'download data sets', run };
