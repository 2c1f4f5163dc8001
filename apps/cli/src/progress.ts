/**
 * Training progress on a terminal: a redrawn bar per epoch (ETA, tokens/s, running loss and
 * accuracy) on a TTY, plain lines otherwise, or JSON events (one object per line) with `--json`.
 */
import type { EpochRow, StepRow } from './metrics.js';

export type ProgressMode = 'tty' | 'plain' | 'json';

/** A live training step (called after every optimizer step). */
export interface StepInfo {
  epoch: number;
  epochs: number;
  stepInEpoch: number;
  stepsInEpoch: number;
  step: number;
  loss: number;
  acc: number;
  tokensPerSec: number;
  epochElapsed: number;
}

export interface Output {
  write(s: string): void;
}

const fmtTime = (s: number): string => {
  if (!Number.isFinite(s) || s < 0) return '--:--';
  const m = Math.floor(s / 60), sec = Math.floor(s % 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
};

/**
 * Progress printer. All human-readable lines go through `info`, so `--json` keeps stdout parseable.
 *
 * @example
 * const p = new Progress(process.stdout.isTTY ? 'tty' : 'plain', process.stdout);
 * p.info('training on 4,500 texts');
 */
export class Progress {
  private lastDraw = 0;
  private barShown = false;

  constructor(
    readonly mode: ProgressMode,
    private readonly out: Output,
    private readonly width = 28,
  ) {}

  /** A human-readable line (a JSON `{"event":"info"}` object in json mode). */
  info(text: string): void {
    if (this.mode === 'json') this.json({ event: 'info', message: text });
    else this.line(text);
  }

  /** A machine-readable event; printed only in json mode. */
  event(name: string, data: Record<string, unknown>): void {
    if (this.mode === 'json') this.json({ event: name, ...data });
  }

  step(s: StepInfo): void {
    if (this.mode !== 'tty') return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && s.stepInEpoch < s.stepsInEpoch) return;
    this.lastDraw = now;
    const frac = s.stepsInEpoch ? s.stepInEpoch / s.stepsInEpoch : 0;
    const filled = Math.round(frac * this.width);
    const eta = s.stepInEpoch ? (s.epochElapsed / s.stepInEpoch) * (s.stepsInEpoch - s.stepInEpoch) : NaN;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}`;
    const text = `epoch ${s.epoch}/${s.epochs} ${bar} ${s.stepInEpoch}/${s.stepsInEpoch} ${fmtTime(s.epochElapsed)}<${fmtTime(eta)} ${Math.round(s.tokensPerSec)} tok/s loss ${s.loss.toFixed(4)} acc ${(100 * s.acc).toFixed(1)}%`;
    this.out.write(`\r\x1b[2K${text}`);
    this.barShown = true;
  }

  window(row: StepRow, total: { epochs: number; stepsInEpoch: number; stepInEpoch: number }): void {
    if (this.mode === 'json') this.json({ event: 'step', ...row });
    else if (this.mode === 'plain') {
      this.line(`epoch ${row.epoch}/${total.epochs} step ${total.stepInEpoch}/${total.stepsInEpoch} (global ${row.step}) loss ${row.loss.toFixed(4)} acc ${(100 * row.acc).toFixed(1)}% ${Math.round(row.tokensPerSec)} tok/s`);
    }
  }

  epochEnd(row: EpochRow): void {
    if (this.mode === 'json') return this.json({ event: 'epoch', ...row });
    this.line(
      `epoch ${row.epoch} done in ${row.seconds.toFixed(1)}s: train loss ${row.trainLoss.toFixed(4)} acc ${(100 * row.trainAcc).toFixed(2)}% | valid loss ${row.validLoss.toFixed(4)} acc ${(100 * row.validAcc).toFixed(2)}%${row.best ? ' (best, saved)' : ''}`,
    );
  }

  private json(o: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify(o, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}\n`);
  }

  private line(text: string): void {
    if (this.barShown) {
      this.out.write('\r\x1b[2K');
      this.barShown = false;
    }
    this.out.write(`${text}\n`);
  }
}

/** Picks the mode for a stream: json when asked, a bar on a TTY, plain lines otherwise. */
export function progressMode(json: boolean, stream: { isTTY?: boolean }): ProgressMode {
  return json ? 'json' : stream.isTTY ? 'tty' : 'plain';
}
