/**
 * Where data lives: `$RECUR_DATA`, else the project's shared data folder next to a source checkout
 * (`<repo>/../shared/data`), else `~/.cache/recur`. Short names (`imdb`, `glove.6B.100d`) resolve there.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './errors.js';

/** The repository root when running from a checkout (apps/cli/src → ../../..). */
const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export function dataDir(): string {
  if (process.env.RECUR_DATA) return resolve(process.env.RECUR_DATA);
  const shared = resolve(REPO_ROOT, '../shared/data');
  if (existsSync(shared)) return shared;
  return join(homedir(), '.cache', 'recur');
}

/** `--data imdb` → the IMDB folder or archive under the data directory; other values unchanged. */
export function resolveDataArg(value: string): string {
  if (value !== 'imdb' || existsSync(value)) return value;
  const dir = join(dataDir(), 'imdb');
  for (const cand of [join(dir, 'aclImdb'), join(dir, 'aclImdb_v1.tar.gz')]) if (existsSync(cand)) return cand;
  throw new CliError(`no IMDB data under ${dir} (run \`recur data download imdb\` or pass --data path/to/aclImdb)`);
}

/**
 * A vectors argument: an existing path, or a GloVe name such as `glove.6B.100d`, looked up under
 * `<data>/glove`: the full `<name>.txt`, then `glove.6B.zip` (member `<name>.txt`), then any
 * `<name>.*.txt` subset file.
 */
export function resolveVectors(value: string): { path: string; member?: string } {
  if (existsSync(value)) {
    if (statSync(value).isDirectory()) throw new CliError(`--glove ${value} is a directory; pass a vectors file inside it (.txt, .bin, .vec or .zip)`);
    return { path: value };
  }
  const m = /^glove\.6B\.(50|100|200|300)d$/.exec(value);
  if (!m) throw new CliError(`vectors file not found: ${value}`);
  const dir = join(dataDir(), 'glove');
  const full = join(dir, `${value}.txt`);
  if (existsSync(full)) return { path: full };
  const zip = join(dir, 'glove.6B.zip');
  if (existsSync(zip)) return { path: zip, member: `${value}.txt` };
  const subset = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(`${value}.`) && f.endsWith('.txt')).sort() : [];
  if (subset[0]) return { path: join(dir, subset[0]) };
  throw new CliError(`no ${value} vectors under ${dir} (run \`recur data download glove\`, pass --glove PATH, or --glove none)`);
}
