/** The page's handle on the training worker: typed request/reply plus the pushed progress events. */
import type { EvalReport, Request, ResponseData, StepReport, WorkerMessage } from './protocol.js';

export interface TrainerEvents {
  step(report: StepReport): void;
  eval(report: EvalReport): void;
  state(running: boolean, step: number, reason?: string): void;
  error(message: string): void;
}

export class TrainerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly events: TrainerEvents) {
    this.worker = new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module', name: 'recur-trainer' });
    this.worker.addEventListener('message', (e: MessageEvent<WorkerMessage>) => this.onMessage(e.data));
    this.worker.addEventListener('error', (e) => {
      const message = `The training worker failed: ${e.message || 'it could not be loaded'}`;
      this.failAll(message);
      this.events.error(message);
    });
    this.worker.addEventListener('messageerror', () => this.events.error('The training worker sent a message the page could not read'));
  }

  /** Sends a request and resolves with the worker's reply (rejects with its error message). */
  request<T extends Request['type']>(req: Extract<Request, { type: T }>, transfer: Transferable[] = []): Promise<ResponseData[T]> {
    const id = this.nextId++;
    return new Promise<ResponseData[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  private onMessage(m: WorkerMessage): void {
    switch (m.kind) {
      case 'reply': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.data);
        else p.reject(new Error(m.error));
        return;
      }
      case 'step': return this.events.step(m.report);
      case 'eval': return this.events.eval(m.report);
      case 'state': return this.events.state(m.running, m.step, m.reason);
      case 'error': return this.events.error(m.error);
    }
  }

  private failAll(message: string): void {
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }

  terminate(): void {
    this.failAll('The training worker was stopped');
    this.worker.terminate();
  }
}
