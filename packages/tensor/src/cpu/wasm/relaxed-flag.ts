/**
 * Node 20 ships WebAssembly relaxed SIMD (here: fused multiply-add, ~15 % faster gemm) behind
 * `--experimental-wasm-relaxed-simd`. V8 reads the flag each time it validates a module, so
 * setting it at run time before the kernels compile turns it on; Node ≥ 22 and Chrome ≥ 114 have
 * it by default, browsers are left alone. `RECUR_WASM_RELAXED=0` in the environment opts out.
 * Relaxed multiply-add may round once (FMA) or twice depending on the CPU, so results can differ
 * in the last bit between machines; the plain SIMD variants are bit-reproducible.
 */
interface NodeProcess {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => { setFlagsFromString?: (flags: string) => void } | undefined;
}

let tried = false;

/** Enables relaxed SIMD in Node when its V8 has it behind a flag; a no-op elsewhere or when off. */
export function enableRelaxedSimdInNode(): void {
  if (tried) return;
  tried = true;
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (!proc?.versions?.node || proc.env?.RECUR_WASM_RELAXED === '0') return;
  try {
    proc.getBuiltinModule?.('node:v8')?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
  } catch {
    // An embedder that forbids run-time flags keeps the plain SIMD kernels.
  }
}
