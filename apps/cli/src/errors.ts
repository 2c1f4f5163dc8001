/**
 * Errors the CLI reports as one line (`recur: <message>`) with an exit code, never a stack trace
 * (unless `--debug`). Usage errors exit 2, everything else 1.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error (bad flag, bad value, unknown command): exit code 2. */
export function usageError(message: string): CliError {
  return new CliError(message, 2);
}

/** First line of any thrown value, for one-line reports of unexpected errors. */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim();
}
