/**
 * Splits large gemm calls across worker threads that share the kernel memory. Single-threaded
 * until `setNumThreads(n > 1)`; see threads-pool.ts for the workers themselves.
 */
import type { WasmRuntime } from './runtime.js';

/** C (+)= A·packed(B) over columns [0, n), possibly split across threads. */
export function parallelGemm(
  rt: WasmRuntime, m: number, n: number, k: number, a: number, lda: number, pb: number, c: number, ldc: number,
  accumulate: boolean,
): void {
  rt.x.gemm(m, n, k, a, lda, pb, c, ldc, accumulate ? 1 : 0, 0, n);
}
