/**
 * Loads the CPU backend's WebAssembly SIMD kernels (synchronously, from the embedded base64) and
 * manages their memory: kernels take a mark, allocate temporaries and release the mark when done;
 * an output can instead stay in the memory as a tensor's storage (`output`). Both come from one heap
 * (heap.ts), so the memory grows to the largest need and is then reused.
 */
import { allocUninit } from '../../dtype.js';
import * as blobs from './kernels.generated.js';
import { WasmHeap } from './heap.js';
import { enableRelaxedSimdInNode } from './relaxed-flag.js';
import { markResident, residentOwner } from './resident.js';

/** Exports of assembly/index.ts; pointers are byte offsets into the memory. */
export interface WasmExports {
  packedSize(k: number, n: number): number;
  packB(b: number, ldb: number, transB: number, k: number, n: number, dst: number): void;
  packedASize(): number;
  gemm(m: number, n: number, k: number, a: number, lda: number, transA: number, pb: number, c: number, ldc: number,
    accumulate: number, n0: number, n1: number, pa: number, cin: number, ldcin: number): void;
  maxAbs(p: number, n: number): number;
  flushMaxAbs(p: number, n: number): number;
  flushDenormals(p: number, n: number): void;
  setFlushBelow(x: number): void;
  dropout(x: number, out: number, n: number, seed: number, offset: number, keep: number, scaleBits: number): void;
  adamStep(p: number, g: number, m: number, v: number, n: number, mode: number, b1: number, c1: number, b2: number,
    c2: number, bc2: number, eps: number, ns: number, dm: number, l2: number): void;
  selectRows(dst: number, src: number, mask: number, rows: number, cols: number): void;
  colSum(x: number, rows: number, cols: number, out: number): void;
  lstmForward(g: number, c: number, h: number, y: number, cells: number, mask: number, B: number, H: number): void;
  lstmBackward(dx: number, gates: number, cells: number, cPrev: number, dy: number, dh: number, dc: number,
    mask: number, B: number, H: number): void;
  gruForward(x: number, hh: number, bias: number, h: number, y: number, hLin: number, mask: number, B: number, H: number): void;
  gruBackward(dx: number, dhh: number, direct: number, gates: number, hLin: number, hPrev: number, dy: number,
    dh: number, mask: number, B: number, H: number): void;
  addRowsMasked(dh: number, direct: number, dhh: number, mask: number, B: number, H: number): void;
  rnnForward(pre: number, h: number, y: number, mask: number, B: number, H: number, relu: number): void;
  rnnBackward(dx: number, y: number, dy: number, dh: number, mask: number, B: number, H: number, relu: number): void;
  lstmSequence(n: number, g: number, x: number, c: number, h: number, y: number, cells: number, mask: number, pw: number, pa: number,
    B: number, H: number): void;
  lstmSequenceBackward(n: number, dx: number, gates: number, cs: number, dy: number, dh: number, dc: number, mask: number,
    pw: number, tmp: number, pa: number, B: number, H: number): void;
  gruSequence(n: number, g: number, hh: number, bias: number, h: number, y: number, hLin: number, mask: number, pw: number,
    pa: number, B: number, H: number): void;
  gruSequenceBackward(n: number, dx: number, dhh: number, direct: number, gates: number, hLin: number, hs: number, dy: number,
    dh: number, mask: number, pw: number, tmp: number, pa: number, B: number, H: number): void;
  rnnSequence(n: number, g: number, x: number, h: number, y: number, mask: number, pw: number, pa: number, B: number, H: number, relu: number): void;
  rnnSequenceBackward(n: number, dx: number, ys: number, dy: number, dh: number, mask: number, pw: number, tmp: number,
    pa: number, B: number, H: number, relu: number): void;
}

/** Bytes below this offset belong to the module (its scratch space); the arena starts here. */
const BASE = 65536;
const PAGE = 65536;
const MAX_PAGES = 32768;

/** Largest magnitudes of resident arrays, computed once per array. */
const maxOf = new WeakMap<Float32Array, number>();

/** A loaded kernel module with its memory: temporaries (mark/alloc/release) and resident outputs share one heap. */
export class WasmRuntime {
  readonly heap: WasmHeap;
  /** Temporary blocks of the kernel calls in progress, in allocation order (-1: became an output). */
  private temps: number[] = [];
  /** Bytes of resident outputs; past `residentLimit`, outputs are copied out instead. */
  private residentBytes = 0;
  /**
   * Most bytes of tensor storage kept in the kernel memory (default: half of it), so that however
   * many activations a model keeps alive, its kernels' temporaries still fit.
   */
  residentLimit = (MAX_PAGES * PAGE) / 2;
  /** Floats of scratch one gemm call needs for packed rows of A. */
  readonly packedAFloats: number;
  private view: Float32Array;
  private disposers: Array<() => void> = [];

  constructor(
    readonly module: WebAssembly.Module,
    readonly memory: WebAssembly.Memory,
    readonly x: WasmExports,
    /** Memory is a SharedArrayBuffer (worker threads can share it). */
    readonly shared: boolean,
    /** Built with relaxed SIMD (fused multiply-add). */
    readonly relaxed: boolean,
  ) {
    this.view = new Float32Array(memory.buffer);
    this.heap = new WasmHeap(memory, BASE, MAX_PAGES * PAGE);
    this.packedAFloats = x.packedASize();
  }

  /** Registers `fn` to run when this runtime is replaced (worker threads on its memory stop then). */
  onDispose(fn: () => void): void {
    if (!this.disposers.includes(fn)) this.disposers.push(fn);
  }

  /** Runs the `onDispose` callbacks; `setCpuSimd` calls it on the runtime it replaces. */
  dispose(): void {
    const fns = this.disposers;
    this.disposers = [];
    for (const fn of fns) fn();
  }

  /** A float view of the whole memory, refreshed after growth. */
  f32(): Float32Array {
    if (this.view.byteLength !== this.memory.buffer.byteLength) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** Marks the temporaries allocated so far; `release(mark)` frees the ones allocated after it. */
  mark(): number {
    return this.temps.length;
  }

  release(mark: number): void {
    while (this.temps.length > mark) {
      const p = this.temps.pop()!;
      if (p >= 0) this.heap.free(p);
    }
  }

  /** Reserves `floats` float32 slots (64-byte aligned, contents undefined) until the next release. */
  alloc(floats: number): number {
    const p = this.heap.tryAlloc(floats * 4);
    if (p === null) {
      throw new Error(`cpu wasm: ${Math.round((floats * 4) / 2 ** 20)} MiB more does not fit the 2 GiB kernel memory (${Math.round(this.heap.bytesInUse / 2 ** 20)} MiB in use)`);
    }
    this.temps.push(p);
    return p;
  }

  /** Frees a resident block (the CPU backend calls this when its tensor's storage is released). */
  freeBlock(p: number): void {
    this.residentBytes -= this.heap.sizeOf(p) ?? 0;
    this.heap.free(p);
  }

  /**
   * A kernel output: the temporary block at `p` becomes the tensor's storage in place (a view of the
   * shared memory, freed with the tensor), or, on an unshared memory (whose views growth would
   * detach) or for part of a block, a float32 copy.
   */
  output(p: number, floats: number): Float32Array {
    const i = this.temps.lastIndexOf(p);
    const size = this.heap.sizeOf(p) ?? 0;
    if (!this.shared || i < 0 || floats === 0 || this.residentBytes + size > this.residentLimit) return this.take(p, floats);
    this.temps[i] = -1; // marks count positions, so the entry stays
    this.residentBytes += size;
    const view = new Float32Array(this.memory.buffer, p, floats);
    markResident(view, this);
    return view;
  }

  /** Whether `src` is resident storage in this runtime's memory (usable in place, read-only). */
  holds(src: ArrayLike<number>): src is Float32Array {
    return residentOwner(src as Float32Array) === this;
  }

  /** Pointer to `src` for a kernel that only reads it: resident storage in place, else a copy. */
  ref(src: ArrayLike<number>): number {
    return this.holds(src) ? src.byteOffset : this.put(src);
  }

  /**
   * `putChecked` for a read-only operand: resident storage is scanned in place (not flushed), and
   * its largest magnitude is remembered (tensor storage never changes; a gradient feeds two
   * products, a weight every step's forward and backward).
   */
  refChecked(src: ArrayLike<number>): [number, number] {
    if (!this.holds(src)) return this.putChecked(src);
    let max = maxOf.get(src);
    if (max === undefined) maxOf.set(src, (max = this.x.maxAbs(src.byteOffset, src.length)));
    return [src.byteOffset, max];
  }

  /** A temporary copy of `src` (any numeric typed array, converted to float32). */
  put(src: ArrayLike<number>): number {
    const p = this.alloc(src.length);
    this.f32().set(src, p >> 2);
    return p;
  }

  /**
   * Like `put`, then flushes subnormals to zero (they are ~100× slower on x86) and returns the
   * largest magnitude (NaN if any value is NaN) from the same pass.
   */
  putChecked(src: ArrayLike<number>): [number, number] {
    const p = this.put(src);
    return [p, this.x.flushMaxAbs(p, src.length)];
  }

  /**
   * Copies a backward kernel's incoming gradients into the arena and raises the flush threshold
   * to 2^-64 × their largest magnitude / max(1, largest |W_hh|) (assembly/math.ts setFlushBelow:
   * vanishing gradients otherwise pass through values whose products with weights are subnormal,
   * ~100× slower on x86), flushing them with it. Dividing by the weights' scale keeps every
   * flushed entry's contribution through W_hh below 2^-64 of the gradient's own scale, even for
   * huge weights. `w` is W_hh already in the arena. Pair with `resetFlush()` in a finally block.
   */
  putGradients(w: number, wLength: number, ...srcs: ArrayLike<number>[]): number[] {
    const ps = srcs.map((s) => this.put(s));
    let scale = 0;
    ps.forEach((p, i) => { scale = Math.max(scale, this.x.maxAbs(p, srcs[i]!.length)); });
    this.setGradientScale(w, wLength, scale);
    ps.forEach((p, i) => this.x.flushDenormals(p, srcs[i]!.length));
    return ps;
  }

  /**
   * The flush threshold of `putGradients` for incoming gradients whose largest magnitude is `scale`
   * (chunked kernels measure it over gradients that never enter the memory whole).
   */
  setGradientScale(w: number, wLength: number, scale: number): void {
    const wScale = Math.max(1, this.x.maxAbs(w, wLength));
    this.x.setFlushBelow((scale * 2 ** -64) / wScale); // NaN, 0 or subnormal → the smallest normal float
  }

  /** Back to flushing subnormals only (FTZ/DAZ), the threshold outside backward kernels. */
  resetFlush(): void {
    this.x.setFlushBelow(0);
  }

  /** A float32 copy of `floats` values at byte offset `p`. */
  take(p: number, floats: number): Float32Array {
    const out = allocUninit('float32', floats) as Float32Array;
    out.set(this.f32().subarray(p >> 2, (p >> 2) + floats));
    return out;
  }
}

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Instantiates a compiled variant on `memory` (worker threads call this with the shared memory). */
export function instantiate(mod: WebAssembly.Module, memory: WebAssembly.Memory): WasmExports {
  const abort = () => { throw new Error('cpu wasm: abort'); };
  return new WebAssembly.Instance(mod, { env: { memory, abort } }).exports as unknown as WasmExports;
}

export type WasmVariant = 'simd' | 'simdShared' | 'relaxedShared';

/** The variants this runtime can run, best first. */
export function supportedVariants(): WasmVariant[] {
  if (typeof WebAssembly !== 'object' || typeof atob !== 'function') return [];
  enableRelaxedSimdInNode();
  const out: WasmVariant[] = [];
  const g = globalThis as { crossOriginIsolated?: boolean };
  // Node always has SharedArrayBuffer; browsers only when cross-origin isolated.
  const canShare = typeof SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false;
  if (canShare && WebAssembly.validate(decode(blobs.relaxedShared))) out.push('relaxedShared');
  if (canShare && WebAssembly.validate(decode(blobs.simdShared))) out.push('simdShared');
  if (WebAssembly.validate(decode(blobs.simd))) out.push('simd');
  return out;
}

/** Loads `variant` with a fresh memory. */
export function loadRuntime(variant: WasmVariant): WasmRuntime {
  const shared = variant !== 'simd';
  const memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared } as WebAssembly.MemoryDescriptor);
  const mod = new WebAssembly.Module(decode(blobs[variant]));
  const rt = new WasmRuntime(mod, memory, instantiate(mod, memory), shared, variant === 'relaxedShared');
  rt.resetFlush(); // the threshold word starts at 0, which would flush nothing
  return rt;
}

let current: WasmRuntime | null | undefined;
let wanted: WasmVariant | 'off' | 'auto' = 'auto';

/** The active kernel module, loaded on first use; null when WebAssembly SIMD is unavailable or off. */
export function wasmRuntime(): WasmRuntime | null {
  if (current !== undefined) return current;
  const variants = supportedVariants();
  const pick = wanted === 'auto' ? variants[0] : wanted === 'off' ? undefined : variants.find((v) => v === wanted);
  current = pick ? loadRuntime(pick) : null;
  return current;
}

/**
 * Chooses the WebAssembly kernels of the CPU backend: 'auto' (best supported), 'off' (plain JS
 * reference kernels), or a named variant. Returns the variant now active, or null.
 *
 * @example
 * setCpuSimd('off'); // benchmark the JS reference path
 */
export function setCpuSimd(mode: WasmVariant | 'off' | 'auto'): WasmVariant | null {
  wanted = mode;
  current?.dispose();
  current = undefined;
  const rt = wasmRuntime();
  return rt ? (rt.relaxed ? 'relaxedShared' : rt.shared ? 'simdShared' : 'simd') : null;
}
