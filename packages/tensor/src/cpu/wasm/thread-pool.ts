/**
 * Worker threads for the CPU backend's WebAssembly kernels. Each worker instantiates the same
 * compiled module on the same shared memory, then sleeps on a control block (an Int32Array over a
 * SharedArrayBuffer) until the calling thread posts a job: a few parts, each a list of kernel calls
 * with integer arguments. Everyone, the caller included, claims parts with compare-and-swap until
 * none is left, so a worker that the OS has descheduled (other processes on the cores) costs at most
 * the part it already took; the caller then blocks until every part is done: with Atomics.wait
 * where the thread may block (Node's main thread, any worker), spinning on Atomics.load on a
 * browser's main thread, which may not block.
 *
 * The worker code is a self-contained script (a string), started with `eval: true` from
 * node:worker_threads in Node and from a Blob URL in browsers, so it runs the same from the
 * TypeScript sources and from the built dist.
 */
import type { WasmExports, WasmRuntime } from './runtime.js';

export type KernelName = keyof WasmExports;
/** Runs (on this thread) or records (for a job part) one kernel call. */
export type Exec = (name: KernelName, ...args: number[]) => void;

/** Kernels a job may call, by index in the control block. */
const NAMES: KernelName[] = ['gemm', 'lstmForward', 'lstmBackward', 'gruForward', 'gruBackward', 'addRowsMasked',
  'rnnForward', 'rnnBackward', 'selectRows', 'colSum', 'flushDenormals', 'dropout'];
const INDEX = new Map(NAMES.map((n, i) => [n, i]));

// Control block (int32): job generation, parts in the job, parts done, workers started, first
// failed worker + 1, stop flag. Then one slot per part: [state (0 free, 1 taken), calls,
// (kernel, argc, args…)…], SLOT ints each (separate cache lines), then a failure message.
const GEN = 0, PARTS = 1, DONE = 2, READY = 3, FAILED = 4, STOP = 5;
const SLOTS = 16;
const SLOT = 64;
const MSG_BYTES = 512;
/** Microseconds a thread polls before it sleeps: covers the gaps between a layer's per-step jobs. */
const SPIN_US = 50;

// The workers' part-claiming code, as script text; claimParts/runPart below are the caller's copy.

/** Runs part `i` (already claimed) of the posted job through `fns` (the kernels by index). */
const RUN_PART = `function runPart(ctrl, fns, i) {
  let p = ${SLOTS} + i * ${SLOT} + 1;
  const calls = ctrl[p++];
  for (let c = 0; c < calls; c++) {
    const f = fns[ctrl[p]], argc = ctrl[p + 1];
    f.apply(null, Array.from(ctrl.subarray(p + 2, p + 2 + argc)));
    p += 2 + argc;
  }
}`;

/** Claims free parts, starting at `first`, runs them and counts them done. */
const CLAIM = `function claimParts(ctrl, fns, first, fail) {
  const parts = Atomics.load(ctrl, ${PARTS});
  for (let k = 0; k < parts; k++) {
    const i = (first + k) % parts;
    if (Atomics.compareExchange(ctrl, ${SLOTS} + i * ${SLOT}, 0, 1) !== 0) continue;
    try {
      (${RUN_PART})(ctrl, fns, i);
    } catch (e) {
      fail(e);
    }
    if (Atomics.add(ctrl, ${DONE}, 1) + 1 === Atomics.load(ctrl, ${PARTS})) Atomics.notify(ctrl, ${DONE});
  }
}`;

/** The worker: instantiate, report ready, then take parts of each posted job until told to stop. */
const WORKER_MAIN = `function recurWasmWorker(mod, memory, ctrl, id) {
  const msg = new Uint8Array(ctrl.buffer, ctrl.byteLength - ${MSG_BYTES}, ${MSG_BYTES});
  const fail = (e) => {
    if (Atomics.compareExchange(ctrl, ${FAILED}, 0, id + 1) !== 0) return;
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
  Atomics.add(ctrl, ${READY}, 1);
  Atomics.notify(ctrl, ${READY});
  const claim = ${CLAIM};
  let seen = 0;
  for (;;) {
    let g = Atomics.load(ctrl, ${GEN});
    if (g === seen) {
      const end = performance.now() + ${SPIN_US / 1000};
      for (let i = 1; g === seen; i++) {
        g = Atomics.load(ctrl, ${GEN});
        if ((i & 255) === 0 && performance.now() > end) break;
      }
    }
    while (g === seen) {
      Atomics.wait(ctrl, ${GEN}, seen);
      g = Atomics.load(ctrl, ${GEN});
    }
    seen = g;
    if (Atomics.load(ctrl, ${STOP}) !== 0) return;
    if (fns.length) claim(ctrl, fns, id + 1, fail);
  }
}`;

const NODE_BOOT = `const { workerData: d } = require('node:worker_threads');
(${WORKER_MAIN})(d.mod, d.memory, new Int32Array(d.ctrl), d.id);`;

const BROWSER_BOOT = `self.onmessage = (e) => {
  const d = e.data;
  self.onmessage = null;
  (${WORKER_MAIN})(d.mod, d.memory, new Int32Array(d.ctrl), d.id);
};`;

type Fail = (e: unknown) => void;
type Kernels = Array<(...a: number[]) => void>;

/** The caller's copy of RUN_PART. */
function runPart(ctrl: Int32Array, fns: Kernels, i: number): void {
  let p = SLOTS + i * SLOT + 1;
  const calls = ctrl[p++]!;
  for (let c = 0; c < calls; c++) {
    const f = fns[ctrl[p]!]!, argc = ctrl[p + 1]!;
    f(...ctrl.subarray(p + 2, p + 2 + argc));
    p += 2 + argc;
  }
}

/** The caller's copy of CLAIM (the PARTS it reads is current: the caller posted it). */
function claimParts(ctrl: Int32Array, fns: Kernels, first: number, fail: Fail): void {
  const parts = Atomics.load(ctrl, PARTS);
  for (let k = 0; k < parts; k++) {
    const i = (first + k) % parts;
    if (Atomics.compareExchange(ctrl, SLOTS + i * SLOT, 0, 1) !== 0) continue;
    try {
      runPart(ctrl, fns, i);
    } catch (e) {
      fail(e);
    }
    if (Atomics.add(ctrl, DONE, 1) + 1 === parts) Atomics.notify(ctrl, DONE);
  }
}

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
  /** Most parts one job may have. */
  readonly maxParts: number;
  private readonly ctrl: Int32Array;
  private readonly fns: Kernels;
  private readonly handles: Handle[] = [];
  private readonly block = canBlock();
  private closed = false;
  private readonly fail: Fail = (e) => {
    if (Atomics.compareExchange(this.ctrl, FAILED, 0, -1) === 0) this.callerError = e;
  };
  private callerError: unknown;

  /** Starts the workers; in Node, waits (up to `startMs`) until every one has instantiated the module. */
  constructor(readonly rt: WasmRuntime, readonly size: number, startMs = 20_000) {
    const problem = rt.shared ? threadSupportProblem() : 'the active kernels use unshared memory';
    if (problem) throw new Error(`cpu wasm threads: ${problem}`);
    this.maxParts = 4 * size;
    const sab = new SharedArrayBuffer((SLOTS + this.maxParts * SLOT) * 4 + MSG_BYTES);
    this.ctrl = new Int32Array(sab);
    for (let i = 0; i < this.maxParts; i++) this.ctrl[SLOTS + i * SLOT] = 1; // no free part yet
    const x = rt.x as unknown as Record<KernelName, (...a: number[]) => void>;
    this.fns = NAMES.map((n) => x[n]);
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
      // A browser's main thread cannot wait here (nor would the workers start while it blocks):
      // they join the jobs once started, and the caller takes every part until then.
      if (this.block) this.awaitStart(startMs);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Workers that have started. */
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
    const who = Atomics.load(this.ctrl, FAILED);
    if (who === 0) return;
    Atomics.store(this.ctrl, FAILED, 0);
    if (who === -1) {
      const e = this.callerError;
      this.callerError = undefined;
      throw e;
    }
    const bytes = new Uint8Array(this.ctrl.buffer, this.ctrl.byteLength - MSG_BYTES, MSG_BYTES).slice();
    new Uint8Array(this.ctrl.buffer, this.ctrl.byteLength - MSG_BYTES, MSG_BYTES).fill(0);
    const text = new TextDecoder().decode(bytes.subarray(0, Math.max(0, bytes.indexOf(0))));
    throw new Error(`cpu wasm threads: ${text}`);
  }

  /**
   * Runs `work(part, exec)` for parts 0 … parts−1 (at most `maxParts`), whose calls are recorded and
   * then run by whichever thread claims each part, the caller included; returns when all are done
   * and rethrows the first failure. The parts must write disjoint memory.
   */
  run(parts: number, work: (part: number, exec: Exec) => void): void {
    if (this.closed) throw new Error('cpu wasm threads: the pool is closed');
    if (parts > this.maxParts) throw new Error(`cpu wasm threads: ${parts} parts exceed ${this.maxParts}`);
    const ctrl = this.ctrl;
    for (let part = 0; part < parts; part++) {
      const base = SLOTS + part * SLOT;
      let p = base + 2, calls = 0;
      work(part, (name, ...args) => {
        if (p + 2 + args.length > base + SLOT) throw new Error(`cpu wasm threads: part ${part} exceeds ${SLOT} ints`);
        const fn = INDEX.get(name);
        if (fn === undefined) throw new Error(`cpu wasm threads: kernel '${name}' cannot run on a worker`);
        ctrl[p] = fn;
        ctrl[p + 1] = args.length;
        for (let i = 0; i < args.length; i++) ctrl[p + 2 + i] = args[i]!;
        p += 2 + args.length;
        calls++;
      });
      ctrl[base + 1] = calls;
    }
    // Publish: count, then free the parts (every slot is taken between jobs), then wake the workers.
    Atomics.store(ctrl, DONE, 0);
    Atomics.store(ctrl, PARTS, parts);
    for (let part = 0; part < parts; part++) Atomics.store(ctrl, SLOTS + part * SLOT, 0);
    Atomics.add(ctrl, GEN, 1);
    Atomics.notify(ctrl, GEN);
    claimParts(ctrl, this.fns, 0, this.fail);
    this.join(parts);
    this.throwIfFailed();
  }

  /** Waits until all `parts` are done. */
  private join(parts: number): void {
    const ctrl = this.ctrl;
    let done = Atomics.load(ctrl, DONE);
    if (done === parts) return;
    const end = performance.now() + SPIN_US / 1000;
    for (let i = 1; done !== parts; i++) {
      done = Atomics.load(ctrl, DONE);
      if (this.block && (i & 255) === 0 && performance.now() > end) break;
    }
    while (done !== parts) {
      Atomics.wait(ctrl, DONE, done);
      done = Atomics.load(ctrl, DONE);
    }
  }

  /** Stops and terminates the workers (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    for (const h of this.handles) {
      const done = h.terminate() as Promise<unknown> | undefined;
      if (done && typeof done.catch === 'function') done.catch(() => undefined);
    }
    this.handles.length = 0;
  }
}
