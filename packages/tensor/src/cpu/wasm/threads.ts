/**
 * Splits the CPU backend's WebAssembly work across worker threads that share the kernel memory:
 * large gemm calls by column panels (or by rows when there are few panels), and the row-wise step
 * kernels of the fused recurrent layers (gate math) by batch rows. Single-threaded until
 * `setNumThreads(n > 1)`; the workers themselves are in thread-pool.ts. Every split gives results
 * bit-identical to one thread (see GEMM_ROW_UNIT).
 */
import { ThreadPool, threadSupportProblem, type Exec, type KernelName } from './thread-pool.js';
import { wasmRuntime, type WasmRuntime } from './runtime.js';

export type { Exec } from './thread-pool.js';

/**
 * Smallest product (m·n·k multiply-adds) worth handing to workers. A hand-off costs ~1–2 µs while
 * the worker still polls (right after other work) and ~20 µs once it sleeps; 2¹⁸ multiply-adds take
 * ~20 µs on one thread, where two threads measured 1.5× faster with a polling worker.
 */
export const MIN_PARALLEL_MACS = 1 << 18;
/** Smallest row-wise step (B·H values of gate math) worth splitting; it follows a split gemm, so the worker is awake. */
export const MIN_PARALLEL_ELEMENTS = 1 << 11;
const MAX_THREADS = 64;

let threads = 1;
let pool: ThreadPool | null = null;
let splits = 0;

/** How many calls have been split across threads so far (for tests and benchmarks). */
export function splitCount(): number {
  return splits;
}

function closePool(): void {
  pool?.close();
  pool = null;
}

/** The pool for `rt` when threads are on and its memory is shared, else null. */
function poolFor(rt: WasmRuntime): ThreadPool | null {
  if (threads === 1 || !rt.shared) return null;
  if (pool && pool.rt === rt && pool.size === threads) return pool;
  closePool();
  pool = new ThreadPool(rt, threads);
  rt.onDispose(closePool);
  return pool;
}

/**
 * Sets how many threads the CPU backend's WebAssembly kernels use (matrix products and the fused
 * LSTM/GRU/RNN layers); the calling thread counts as one, so `n = 2` starts one worker. The default
 * is 1: threads are an explicit opt-in because each worker holds an instance of the kernels, waiting
 * workers poll for a few tens of µs before they sleep (CPU time the application may want), and a
 * library should not take cores behind its host's back. Results are bit-identical for every `n`.
 *
 * Threads need memory that workers can share: a SharedArrayBuffer (in a browser, a cross-origin
 * isolated page) and the shared-memory kernels (`setCpuSimd('auto')`, the default). When these are
 * missing, `setNumThreads(n > 1)` throws and the count stays as it was. If the kernels are later
 * switched to unshared memory (`setCpuSimd('simd')`) or off, they run on one thread while
 * `getNumThreads()` still reports `n`. In a browser the workers start asynchronously (the main
 * thread works alone until they are up) and the main thread spins instead of sleeping while it
 * waits for them, since a browser's main thread may not block: run the model in a worker.
 *
 * @param n an integer from 1 to 64; more threads than cores only slows things down.
 * @throws RangeError for a bad `n`; Error when worker threads cannot share the kernel memory here.
 * @example
 * import { setNumThreads, getNumThreads } from '@recur/tensor';
 * setNumThreads(2); // one worker + the calling thread; matMul and fused layers split their work
 * console.log(getNumThreads()); // 2
 * setNumThreads(1); // stops the worker
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new RangeError(`setNumThreads: expected an integer from 1 to ${MAX_THREADS}, got ${String(n)}`);
  }
  if (n === threads) return;
  closePool();
  if (n > 1) {
    const problem = threadSupportProblem();
    if (problem) throw new Error(`setNumThreads(${n}): worker threads cannot share the kernel memory here: ${problem}`);
    const rt = wasmRuntime();
    if (rt && !rt.shared) {
      throw new Error(`setNumThreads(${n}): the active WebAssembly kernels use unshared memory (setCpuSimd('simd')); ` +
        "use setCpuSimd('auto') or 'simdShared'");
    }
    if (rt) {
      const prev = threads;
      threads = n;
      try {
        poolFor(rt); // start the workers now, so that errors surface here and not in a kernel
      } catch (e) {
        threads = prev;
        closePool();
        throw e;
      }
    }
  }
  threads = n;
}

/**
 * The thread count set by `setNumThreads` (1 by default).
 *
 * @example
 * if (getNumThreads() === 1) setNumThreads(2);
 */
export function getNumThreads(): number {
  return threads;
}

/**
 * Rows per block when a gemm is split by rows: a multiple of every row tile of assembly/gemm.ts
 * (6 and 4 rows, then 1-row leftovers, chosen from the row count modulo 6, which a multiple of 12
 * keeps), so that every row keeps its micro-kernel (the 1-row kernel
 * sums in a different order). Column splits need no such care: each output element is computed
 * the same way whatever column range the call is given.
 */
const GEMM_ROW_UNIT = 12;

/** Part `p` of `parts` of `count` items, in blocks of `unit`; the last part also takes the remainder. */
function range(p: number, parts: number, count: number, unit: number): [number, number] {
  const blocks = Math.floor(count / unit);
  const lo = unit * Math.floor((p * blocks) / parts);
  return [lo, p === parts - 1 ? count : unit * Math.floor(((p + 1) * blocks) / parts)];
}

let sequenceLoop: 'auto' | 'steps' = 'auto';
let wholeSequences = 0;

/**
 * Test hook: 'steps' makes the fused layers cross into WebAssembly once per kernel per time step
 * (the threaded path) even on one thread, so tests can compare it with the whole-sequence loop.
 */
export function setSequenceLoop(mode: 'auto' | 'steps'): void {
  sequenceLoop = mode;
}

/**
 * Whether a fused layer runs its time loop as one WebAssembly call (assembly/sequence.ts): yes
 * unless worker threads would split its per-step products (`macs` multiply-adds) or gate math
 * (`elements` values). Both paths make the same kernel calls per step, so the bits are the same.
 */
export function wholeSequence(rt: WasmRuntime, macs: number, elements: number): boolean {
  if (sequenceLoop === 'steps') return false;
  const whole = (macs < MIN_PARALLEL_MACS && elements < MIN_PARALLEL_ELEMENTS) || poolFor(rt) === null;
  if (whole) wholeSequences++;
  return whole;
}

/** How many fused-layer calls chose the whole-sequence loop so far (for tests). */
export function wholeSequenceCount(): number {
  return wholeSequences;
}

const direct = new WeakMap<WasmRuntime, Exec>();
function execOn(rt: WasmRuntime): Exec {
  let e = direct.get(rt);
  if (!e) {
    const x = rt.x as unknown as Record<KernelName, (...a: number[]) => void>;
    e = (name, ...args) => x[name](...args);
    direct.set(rt, e);
  }
  return e;
}

/**
 * Runs `work(r0, r1, exec)` over disjoint row ranges covering [0, rows), one per thread at the same
 * time, when `elements` (the values the call computes) pay for the hand-off; otherwise once over
 * all rows on this thread. For the row-wise step kernels of the fused layers (gate math, masked
 * copies): `work` must only touch its rows and call kernels through `exec`.
 */
export function splitRows(rt: WasmRuntime, rows: number, elements: number, work: (r0: number, r1: number, exec: Exec) => void): void {
  const p = elements >= MIN_PARALLEL_ELEMENTS ? poolFor(rt) : null;
  const parts = p ? Math.min(p.size, rows) : 1;
  if (parts <= 1) {
    work(0, rows, execOn(rt));
    return;
  }
  splits++;
  p!.run(parts, (part, exec) => {
    const [r0, r1] = range(part, parts, rows, 1);
    work(r0, r1, exec);
  });
}

/**
 * C (+)= op(A)·packed(B) over columns [0, n): split across threads when the product is large enough,
 * else on this thread. op(A) is A [m,k] (leading dimension lda), or Aᵀ when `transA` (A stored
 * [k,m]). The split goes along the longer side (rows in blocks of GEMM_ROW_UNIT, or column panels),
 * so each part streams the smaller operand again, and into up to 4 parts per thread: parts are
 * claimed as threads come free, so a thread slowed by other work (V8's GC and compiler threads
 * share these cores) takes fewer parts instead of holding the others up. Each part gets its own
 * scratch for packed rows of A.
 */
export function parallelGemm(
  rt: WasmRuntime, m: number, n: number, k: number, a: number, lda: number, pb: number, c: number, ldc: number,
  accumulate: boolean, transA = false, cin = 0, ldcin = 0,
): void {
  const acc = accumulate ? 1 : 0, ta = transA ? 1 : 0;
  const p = m * n * k >= MIN_PARALLEL_MACS ? poolFor(rt) : null;
  const panels = Math.ceil(n / 8);
  const rowBlocks = Math.floor(m / GEMM_ROW_UNIT);
  const byRows = rowBlocks >= 2 && (m >= n || panels < 2);
  const parts = !p ? 1 : !byRows && panels >= 2 ? Math.min(p.maxParts, panels >> 1) : rowBlocks >= 2 ? Math.min(p.maxParts, rowBlocks) : 1;
  const mark = rt.mark();
  try {
    const paSize = rt.packedAFloats * 4;
    const pa = rt.alloc(rt.packedAFloats * parts);
    if (p && parts > 1 && !byRows) {
      splits++;
      p.run(parts, (part, exec) => {
        const [j0, j1] = range(part, parts, panels, 1);
        exec('gemm', m, n, k, a, lda, ta, pb, c, ldc, acc, j0 * 8, Math.min(n, j1 * 8), pa + part * paSize, cin, ldcin);
      });
    } else if (p && parts > 1) {
      splits++;
      p.run(parts, (part, exec) => {
        const [r0, r1] = range(part, parts, m, GEMM_ROW_UNIT);
        const aOff = transA ? r0 * 4 : r0 * lda * 4;
        exec('gemm', r1 - r0, n, k, a + aOff, lda, ta, pb, c + r0 * ldc * 4, ldc, acc, 0, n, pa + part * paSize, cin && cin + r0 * ldcin * 4, ldcin);
      });
    } else {
      rt.x.gemm(m, n, k, a, lda, ta, pb, c, ldc, acc, 0, n, pa, cin, ldcin);
    }
  } finally {
    rt.release(mark);
  }
}
