/**
 * Worker threads for the CPU backend's WebAssembly kernels. Each worker instantiates the same
 * compiled module on the same shared memory, then sleeps on a control block (an Int32Array over a
 * SharedArrayBuffer) until the calling thread posts it a list of kernel calls. The kernel API is
 * synchronous, so the caller runs its own share of the work and then blocks until the workers are
 * done: with Atomics.wait where the thread may block (Node's main thread, any worker), by spinning on
 * Atomics.load on a browser's main thread (which may not block).
 *
 * The worker code is a self-contained script (a string), started with `eval: true` from
 * node:worker_threads in Node and from a Blob URL in browsers, so it runs the same from the
 * TypeScript sources and from the built dist.
 */
import type { WasmExports, WasmRuntime } from './runtime.js';

export type KernelName = keyof WasmExports;
/** Runs (on this thread) or records (for a worker) one kernel call. */
export type Exec = (name: KernelName, ...args: number[]) => void;

/** Kernels a worker may run, by index in the control block. */
const NAMES: KernelName[] = ['gemm', 'lstmForward', 'lstmBackward', 'gruForward', 'gruBackward', 'addRowsMasked',
  'rnnForward', 'rnnBackward', 'selectRows', 'colSum', 'transpose', 'flushDenormals'];
const INDEX = new Map(NAMES.map((n, i) => [n, i]));

// Control block (int32 slots): generation, workers still busy, workers started, first failed worker + 1.
const GEN = 0, PENDING = 1, READY = 2, FAILED = 3;
const SLOTS = 16; // per-worker job slots start here, SLOT ints each (separate cache lines)
const SLOT = 64;
const MSG_BYTES = 512; // the first failure's message (UTF-8), after the slots
const STOP = -1; // a job count of -1 tells the worker to exit
/** Atomics.load polls before sleeping: covers the gap between a layer's per-step calls (~tens of µs). */
const SPIN = 20000;

/** The worker: instantiate, report ready, then run the jobs posted in its slot until told to stop. */
const WORKER_MAIN = `function recurWasmWorker(mod, memory, ctrl, id) {
  const GEN = ${GEN}, PENDING = ${PENDING}, READY = ${READY}, FAILED = ${FAILED}, SPIN = ${SPIN};
  const slot = ${SLOTS} + id * ${SLOT}, msg = new Uint8Array(ctrl.buffer, ctrl.byteLength - ${MSG_BYTES}, ${MSG_BYTES});
  const fail = (e) => {
    if (Atomics.compareExchange(ctrl, FAILED, 0, id + 1) !== 0) return;
    const text = new TextEncoder().encode('worker ' + (id + 1) + ': ' + (e && e.message ? e.message : String(e)));
    msg.set(text.subarray(0, ${MSG_BYTES} - 1));
  };
  let fns = [];
  try {
    const abort = () => { throw new Error('cpu wasm: abort'); };
    const x = new WebAssembly.Instance(mod, { env: { memory, abort } }).exports;
    fns = ${JSON.stringify(NAMES)}.map((n) => x[n]);
  } catch (e) {
    fail(e);
  }
  Atomics.add(ctrl, READY, 1);
  Atomics.notify(ctrl, READY);
  let seen = 0;
  for (;;) {
    let g = Atomics.load(ctrl, GEN);
    for (let i = 0; g === seen && i < SPIN; i++) g = Atomics.load(ctrl, GEN);
    while (g === seen) {
      Atomics.wait(ctrl, GEN, seen);
      g = Atomics.load(ctrl, GEN);
    }
    seen = g;
    const calls = ctrl[slot];
    if (calls === ${STOP}) return;
    try {
      for (let c = 0, p = slot + 1; c < calls; c++) {
        const f = fns[ctrl[p]], argc = ctrl[p + 1];
        f.apply(null, Array.from(ctrl.subarray(p + 2, p + 2 + argc)));
        p += 2 + argc;
      }
    } catch (e) {
      fail(e);
    }
    if (Atomics.sub(ctrl, PENDING, 1) === 1) Atomics.notify(ctrl, PENDING);
  }
}`;

const NODE_BOOT = `const { workerData: d } = require('node:worker_threads');
(${WORKER_MAIN})(d.mod, d.memory, new Int32Array(d.ctrl), d.id);`;

const BROWSER_BOOT = `self.onmessage = (e) => {
  const d = e.data;
  self.onmessage = null;
  (${WORKER_MAIN})(d.mod, d.memory, new Int32Array(d.ctrl), d.id);
};`;

interface Handle { terminate(): unknown }
interface NodeWorkerThreads {
  Worker: new (code: string, opts: { eval: true; workerData: unknown }) => Handle & { unref(): void };
}
type Global = {
  process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown };
  Worker?: new (url: string) => Handle & { postMessage(m: unknown): void };
  Blob?: typeof Blob;
  URL?: typeof URL;
  crossOriginIsolated?: boolean;
};
const g = globalThis as Global;
const isNode = typeof g.process?.versions?.node === 'string';

/**
 * Why worker threads cannot run here, or null when they can. They need a SharedArrayBuffer (in
 * browsers: a cross-origin isolated page) and a way to start workers.
 */
export function threadSupportProblem(): string | null {
  if (typeof SharedArrayBuffer !== 'function' || g.crossOriginIsolated === false) {
    return 'SharedArrayBuffer is not available (a browser page must be cross-origin isolated: serve it with ' +
      "'Cross-Origin-Opener-Policy: same-origin' and 'Cross-Origin-Embedder-Policy: require-corp')";
  }
  if (typeof Atomics !== 'object' || typeof Atomics.wait !== 'function') return 'Atomics.wait is not available';
  if (isNode) {
    if (typeof g.process?.getBuiltinModule !== 'function') return 'this Node.js has no process.getBuiltinModule (Node ≥ 20.16 needed)';
    return null;
  }
  if (typeof g.Worker !== 'function' || typeof g.Blob !== 'function' || typeof g.URL?.createObjectURL !== 'function') {
    return 'no Worker (with Blob URLs) in this environment';
  }
  return null;
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** `size − 1` workers sharing `rt`'s memory; the calling thread is the remaining one. */
export class ThreadPool {
  private readonly ctrl: Int32Array;
  private readonly handles: Handle[] = [];
  private readonly block = canBlock();
  private closed = false;

  /** Starts the workers; in Node, waits (up to `startMs`) until every one has instantiated the module. */
  constructor(readonly rt: WasmRuntime, readonly size: number, startMs = 20_000) {
    const problem = rt.shared ? threadSupportProblem() : 'the active kernels use unshared memory';
    if (problem) throw new Error(`cpu wasm threads: ${problem}`);
    const ints = SLOTS + (size - 1) * SLOT + MSG_BYTES / 4;
    const sab = new SharedArrayBuffer(ints * 4);
    this.ctrl = new Int32Array(sab);
    try {
      for (let id = 0; id < size - 1; id++) {
        const data = { mod: rt.module, memory: rt.memory, ctrl: sab, id };
        if (isNode) {
          const wt = g.process!.getBuiltinModule!('node:worker_threads') as NodeWorkerThreads;
          const w = new wt.Worker(NODE_BOOT, { eval: true, workerData: data });
          w.unref(); // idle workers must not keep the process alive
          this.handles.push(w);
        } else {
          const url = g.URL!.createObjectURL(new g.Blob!([BROWSER_BOOT], { type: 'text/javascript' }));
          const w = new g.Worker!(url);
          g.URL!.revokeObjectURL(url);
          w.postMessage(data);
          this.handles.push(w);
        }
      }
      if (this.block) this.awaitStart(startMs);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Workers that have started (browsers start them asynchronously; until then the caller works alone). */
  get started(): number {
    return Atomics.load(this.ctrl, READY);
  }

  private awaitStart(ms: number): void {
    const end = performance.now() + ms;
    for (let r = this.started; r < this.size - 1; r = this.started) {
      const left = end - performance.now();
      if (left <= 0) throw new Error(`cpu wasm threads: ${this.size - 1 - r} of ${this.size - 1} workers did not start within ${ms} ms`);
      Atomics.wait(this.ctrl, READY, r, left);
    }
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (Atomics.load(this.ctrl, FAILED) === 0) return;
    const bytes = new Uint8Array(this.ctrl.buffer, this.ctrl.byteLength - MSG_BYTES, MSG_BYTES).slice();
    const text = new TextDecoder().decode(bytes.subarray(0, Math.max(0, bytes.indexOf(0))));
    Atomics.store(this.ctrl, FAILED, 0);
    throw new Error(`cpu wasm threads: ${text}`);
  }

  /** Whether `run` can split work now: open, and every worker started. */
  get ready(): boolean {
    return !this.closed && this.started === this.size - 1;
  }

  /**
   * Runs `work(part, exec)` for parts 0 … parts−1 (parts ≤ size) at the same time: part 0 on this
   * thread, the others on workers (their calls are recorded, then run by the worker). Returns when
   * all are done; rethrows a worker's failure. The parts must touch disjoint output memory.
   */
  run(parts: number, work: (part: number, exec: Exec) => void): void {
    const ctrl = this.ctrl, workers = this.size - 1;
    for (let w = 0; w < workers; w++) {
      const base = SLOTS + w * SLOT;
      let p = base + 1, calls = 0;
      if (w + 1 < parts) {
        work(w + 1, (name, ...args) => {
          if (p + 2 + args.length > base + SLOT) throw new Error(`cpu wasm threads: job of worker ${w + 1} exceeds ${SLOT} ints`);
          const fn = INDEX.get(name);
          if (fn === undefined) throw new Error(`cpu wasm threads: kernel '${name}' cannot run on a worker`);
          ctrl[p] = fn;
          ctrl[p + 1] = args.length;
          for (let i = 0; i < args.length; i++) ctrl[p + 2 + i] = args[i]!;
          p += 2 + args.length;
          calls++;
        });
      }
      ctrl[base] = calls;
    }
    Atomics.store(ctrl, PENDING, workers);
    Atomics.add(ctrl, GEN, 1);
    Atomics.notify(ctrl, GEN);
    const x = this.rt.x as unknown as Record<KernelName, (...a: number[]) => void>;
    try {
      work(0, (name, ...args) => x[name](...args));
    } finally {
      this.join();
    }
    this.throwIfFailed();
  }

  /** Waits until no worker is busy. */
  private join(): void {
    const ctrl = this.ctrl;
    let left = Atomics.load(ctrl, PENDING);
    for (let i = 0; left !== 0 && (i < SPIN || !this.block); i++) left = Atomics.load(ctrl, PENDING);
    while (left !== 0) {
      Atomics.wait(ctrl, PENDING, left);
      left = Atomics.load(ctrl, PENDING);
    }
  }

  /** Stops and terminates the workers (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (let w = 0; w < this.size - 1; w++) this.ctrl[SLOTS + w * SLOT] = STOP;
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    for (const h of this.handles) {
      const done = h.terminate() as Promise<unknown> | undefined;
      if (done && typeof done.catch === 'function') done.catch(() => undefined);
    }
    this.handles.length = 0;
  }
}
