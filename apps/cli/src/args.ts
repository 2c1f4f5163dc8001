/**
 * Strict argument parsing over `node:util` parseArgs: unknown options, missing values and stray
 * positionals become one-line usage errors that point at the command's `--help`.
 */
import { parseArgs } from 'node:util';
import { usageError } from './errors.js';
import { closest } from './suggest.js';

/** One option of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help, e.g. `N` or `PATH`. */
  arg?: string;
  help: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionSpecs = {
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  debug: { type: 'boolean', help: 'print stack traces on errors' },
};

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * `--hidden -3` → `--hidden=-3`: a value option followed by a negative number takes it as its value
 * (parseArgs alone reads `-3` as an option), so the range check can name the real problem.
 */
function joinNegativeValues(argv: string[], options: Record<string, { type: 'string' | 'boolean'; short?: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const long = a.startsWith('--') && !a.includes('=') ? options[a.slice(2)] : undefined;
    if (long?.type === 'string' && next !== undefined && /^-(\d|\.\d|inf|nan)/i.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/**
 * Parses `argv` for command `command`; throws a usage error (exit 2) with one line on any problem.
 *
 * @example
 * const { values } = parseCommand('train', ['--epochs', '3'], TRAIN_OPTIONS, { maxPositionals: 0 });
 */
export function parseCommand(command: string, argv: string[], specs: OptionSpecs, opts: { maxPositionals: number }): ParsedArgs {
  const all = { ...COMMON_OPTIONS, ...specs };
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, s] of Object.entries(all)) options[name] = s.short ? { type: s.type, short: s.short } : { type: s.type };
  const see = `(see recur ${command} --help)`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true });
  } catch (e) {
    const err = e as { code?: string; message: string };
    const name = /'(-[^' ]+)/.exec(err.message)?.[1] ?? '';
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const hint = name.startsWith('--') ? closest(name.slice(2), Object.keys(all)) : null;
      throw usageError(`unknown option '${name}' ${hint ? `(did you mean --${hint}? see recur ${command} --help)` : see}`);
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      if (/argument missing/.test(err.message)) throw usageError(`option '${name}' needs a value ${see}`);
      throw usageError(`option '${name}' takes no value ${see}`);
    }
    throw usageError(`${err.message.split('\n')[0]} ${see}`);
  }
  const positionals = parsed.positionals;
  if (positionals.length > opts.maxPositionals && !parsed.values.help) {
    throw usageError(`unexpected argument '${positionals[opts.maxPositionals]}' ${see}`);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals };
}

/** Help text: usage line, description and the option table. */
export function formatHelp(usage: string, description: string, specs: OptionSpecs): string {
  const rows = Object.entries({ ...specs, ...COMMON_OPTIONS }).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.arg ? ` ${s.arg}` : ''}`;
    return [flag, s.help] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return [`Usage: ${usage}`, '', description, '', 'Options:', ...rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`), ''].join('\n');
}

/** Parses a number option with range checks; `undefined` when absent. */
export function numberOption(
  command: string,
  values: ParsedArgs['values'],
  name: string,
  rule: { int?: boolean; min?: number; max?: number },
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const kind = rule.int ? 'an integer' : 'a number';
  const bad = typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(v) || (rule.int && !Number.isInteger(v));
  const range = (rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max);
  if (bad || range) {
    const bounds = rule.min !== undefined && rule.max !== undefined ? ` in [${rule.min}, ${rule.max}]` : rule.min !== undefined ? ` >= ${rule.min}` : '';
    throw usageError(`option '--${name}' must be ${kind}${bounds}, got '${String(raw)}' (see recur ${command} --help)`);
  }
  return v;
}

/** Parses an option that must be one of `choices`; `undefined` when absent. */
export function choiceOption<T extends string>(command: string, values: ParsedArgs['values'], name: string, choices: readonly T[]): T | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    throw usageError(`option '--${name}' must be one of ${choices.join('|')}, got '${String(raw)}' (see recur ${command} --help)`);
  }
  return raw as T;
}
