/** `--backend cpu|webgpu` and `--threads N`: activates the compute backend and describes it in one line. */
import { getBackend, setBackend, setNumThreads } from '@recur/tensor';
import { CliError, oneLine, usageError } from './errors.js';

/**
 * Sets the CPU backend's thread count from `--threads N`, else `$RECUR_THREADS`, else 1; returns it.
 * A value that is not an integer in [1, 64] is a usage error; a machine where workers cannot share
 * memory is a one-line error.
 *
 * @example
 * applyThreads('2', undefined); // 2: one worker thread next to the main one
 */
export function applyThreads(flag: string | undefined, env = process.env.RECUR_THREADS): number {
  const raw = flag ?? (env === undefined || env === '' ? '1' : env);
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < 1 || n > 64) {
    const where = flag !== undefined ? "option '--threads'" : 'RECUR_THREADS';
    throw usageError(`${where} must be an integer in [1, 64], got '${raw}' (see recur train --help)`);
  }
  try {
    setNumThreads(n);
  } catch (e) {
    throw new CliError(oneLine(e));
  }
  return n;
}

/**
 * Makes `name` the active backend and returns a description (the adapter for WebGPU). An
 * unavailable WebGPU is a one-line error.
 *
 * @example
 * console.log(await selectBackend('webgpu')); // "webgpu (google swiftshader)"
 */
export async function selectBackend(name: string): Promise<string> {
  if (name === 'cpu') {
    setBackend('cpu');
    return 'cpu';
  }
  if (name !== 'webgpu') throw usageError(`option '--backend' must be one of cpu|webgpu, got '${name}'`);
  let backend;
  try {
    const { createWebGPUBackend } = await import('@recur/tensor/webgpu');
    backend = await createWebGPUBackend();
  } catch (e) {
    throw new CliError(`WebGPU backend unavailable: ${oneLine(e).replace(/^createWebGPUBackend: /, '')}`);
  }
  setBackend(backend);
  const a = backend.adapterInfo;
  const adapter = [a.vendor, a.architecture, a.description].filter(Boolean).join(' ') || 'unknown adapter';
  return `${getBackend().name} (adapter: ${adapter})`;
}
