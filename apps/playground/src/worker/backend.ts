/**
 * Picks the backend for the worker: WebGPU when the browser offers an adapter and a device that
 * actually computes, else the CPU backend — always with the reason, which the page shows.
 */
import { add, getBackend, setBackend, tensor } from '@recur/tensor';
import { createWebGPUBackend } from '@recur/tensor/webgpu';
import type { BackendChoice, BackendInfo } from '../protocol.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function useCpu(reason: string): BackendInfo {
  setBackend('cpu');
  return { name: 'cpu', reason };
}

/** A tiny computation read back from the device, so a backend that starts but cannot compute is caught now. */
async function smokeTest(): Promise<void> {
  const a = tensor([1, 2, 3]);
  const b = add(a, a);
  try {
    const v = await b.data();
    if (v[0] !== 2 || v[1] !== 4 || v[2] !== 6) throw new Error(`self-test computed [${Array.from(v).join(', ')}] instead of [2, 4, 6]`);
  } finally {
    a.dispose();
    b.dispose();
  }
}

/**
 * Sets the active backend from the user's choice (`?backend=` in the page URL) and reports it.
 *
 * @example
 * const info = await chooseBackend('auto'); // { name: 'webgpu', reason: 'WebGPU on google swiftshader', … }
 */
export async function chooseBackend(choice: BackendChoice): Promise<BackendInfo> {
  if (choice === 'cpu') return useCpu('CPU backend, as asked for with ?backend=cpu');
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return useCpu('WebGPU is not available in this browser (navigator.gpu is missing), so training runs on the CPU backend');
  let adapter = '';
  try {
    // Ask once ourselves, so "no adapter" gets a browser-side explanation.
    if (!(await gpu.requestAdapter())) {
      return useCpu('WebGPU is present but the browser offers no adapter (GPU blocklisted, disabled or unsupported), so training runs on the CPU backend');
    }
    const backend = await createWebGPUBackend({ gpu });
    const info = backend.adapterInfo;
    adapter = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'an unnamed adapter';
    setBackend(backend);
    await smokeTest();
    return { name: 'webgpu', reason: `WebGPU on ${adapter}`, adapter };
  } catch (e) {
    if (getBackend().name !== 'cpu') {
      try { getBackend().dispose(); } catch { /* already lost */ }
    }
    const where = adapter ? ` on ${adapter}` : '';
    return useCpu(`WebGPU could not start${where} (${message(e)}), so training runs on the CPU backend`);
  }
}
