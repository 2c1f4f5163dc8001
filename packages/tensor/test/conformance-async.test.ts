/**
 * The conformance suite on an asynchronous backend (CPU kernels behind a backend without
 * `readSync`, as WebGPU will be): proves the suite never relies on `dataSync`.
 */
import { describe, expect, it } from 'vitest';
import { getBackend, setBackend, tensor, type DataId, type DType, type TypedArray } from '../src/index.js';
import { CpuBackend, cpuKernels, registerKernels, type KernelConfig } from '../src/backend-entry.js';
import { runConformance } from '../src/testing/index.js';

class AsyncCpuBackend extends CpuBackend {
  override readonly synchronous = false as true;
  override async read(id: DataId, dtype: DType): Promise<TypedArray> {
    await new Promise((r) => setTimeout(r, 0)); // resolve in a later task, like a GPU map
    return super.readSync(id, dtype);
  }
}
// No synchronous reads on this backend.
Object.defineProperty(AsyncCpuBackend.prototype, 'readSync', { value: undefined });

// Built once: registering the same configs again is a no-op (different ones would need { override: true }).
const asyncKernels = cpuKernels.map((k) => ({ ...k, backend: 'cpu-async' })) as KernelConfig<string, never>[];

function createAsyncCpuBackend(): CpuBackend {
  const b = new AsyncCpuBackend();
  Object.defineProperty(b, 'name', { value: 'cpu-async' });
  registerKernels(asyncKernels);
  return b;
}

runConformance('cpu-async', async () => createAsyncCpuBackend());

describe('asynchronous backend', () => {
  it('refuses dataSync and serves data()', async () => {
    const previous = getBackend();
    setBackend(createAsyncCpuBackend());
    try {
      const t = tensor([1, 2]);
      expect(() => t.dataSync()).toThrow("dataSync: backend 'cpu-async' is asynchronous; use await t.data()");
      expect(Array.from(await t.data())).toEqual([1, 2]);
      t.dispose();
    } finally {
      setBackend(previous);
    }
  });
});
