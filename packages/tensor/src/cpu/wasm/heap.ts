/**
 * A first-fit allocator over a WebAssembly memory, above the module's own first 64 KiB. It holds
 * both the kernels' temporaries (freed when a kernel returns) and kernel outputs that stay in the
 * memory as tensor storage (freed when the tensor is), so a product's output can feed the next
 * kernel without a copy out and back in. Blocks are 64-byte aligned; free blocks are kept sorted
 * by address and merged with their neighbours. The memory grows when no free block fits.
 */
const ALIGN = 64;
const PAGE = 65536;

export class WasmHeap {
  /** Free blocks: start offsets (sorted) and their sizes in bytes. */
  private starts: number[] = [];
  private sizes: number[] = [];
  /** Allocated blocks: start → size in bytes. */
  private used = new Map<number, number>();
  private usedBytes = 0;

  constructor(private readonly memory: WebAssembly.Memory, private readonly base: number, private readonly maxBytes: number) {
    const end = memory.buffer.byteLength;
    if (end > base) this.insertFree(base, end - base);
  }

  /** Bytes in allocated blocks. */
  get bytesInUse(): number {
    return this.usedBytes;
  }

  /** Allocated blocks. */
  get blocks(): number {
    return this.used.size;
  }

  /** Size in bytes of the block starting at `p`, or undefined when `p` starts no allocated block. */
  sizeOf(p: number): number | undefined {
    return this.used.get(p);
  }

  /** A block of at least `bytes` bytes; null when the memory cannot grow that far. */
  tryAlloc(bytes: number): number | null {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let i = this.firstFit(size);
    if (i < 0) {
      if (!this.grow(size)) return null;
      i = this.firstFit(size);
    }
    const p = this.starts[i]!, have = this.sizes[i]!;
    if (have - size >= ALIGN) {
      this.starts[i] = p + size;
      this.sizes[i] = have - size;
    } else {
      this.starts.splice(i, 1);
      this.sizes.splice(i, 1);
    }
    const got = have - size >= ALIGN ? size : have;
    this.used.set(p, got);
    this.usedBytes += got;
    return p;
  }

  /** Returns the block starting at `p`; throws when `p` starts no allocated block (a double free). */
  free(p: number): void {
    const size = this.used.get(p);
    if (size === undefined) throw new Error(`cpu wasm heap: free of ${p}, which starts no allocated block`);
    this.used.delete(p);
    this.usedBytes -= size;
    this.insertFree(p, size);
  }

  private firstFit(size: number): number {
    for (let i = 0; i < this.starts.length; i++) if (this.sizes[i]! >= size) return i;
    return -1;
  }

  /** Grows the memory so that a block of `size` fits at its end (at least 1/8 more, fewer grows). */
  private grow(size: number): boolean {
    const end = this.memory.buffer.byteLength;
    const n = this.starts.length;
    const tail = n > 0 && this.starts[n - 1]! + this.sizes[n - 1]! === end ? this.sizes[n - 1]! : 0;
    const need = size - tail;
    const want = Math.max(need, Math.floor(end / 8));
    for (const bytes of [want, need]) {
      const pages = Math.ceil(bytes / PAGE);
      if (end + pages * PAGE > this.maxBytes) continue;
      this.memory.grow(pages);
      this.insertFree(end, pages * PAGE);
      return true;
    }
    return false;
  }

  private insertFree(p: number, size: number): void {
    // Binary search for the first free block after p, then merge with the neighbours.
    let lo = 0, hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    const prev = lo - 1;
    if (prev >= 0 && this.starts[prev]! + this.sizes[prev]! === p) {
      this.sizes[prev]! += size;
      if (lo < this.starts.length && p + size === this.starts[lo]) {
        this.sizes[prev]! += this.sizes[lo]!;
        this.starts.splice(lo, 1);
        this.sizes.splice(lo, 1);
      }
      return;
    }
    if (lo < this.starts.length && p + size === this.starts[lo]) {
      this.starts[lo] = p;
      this.sizes[lo]! += size;
      return;
    }
    this.starts.splice(lo, 0, p);
    this.sizes.splice(lo, 0, size);
  }
}
