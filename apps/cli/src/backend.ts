/** `--backend cpu|webgpu`: activates the compute backend and describes it in one line. */
import { getBackend, setBackend } from '@recur/tensor';
import { CliError, oneLine, usageError } from './errors.js';

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
