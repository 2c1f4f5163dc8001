/**
 * A model on a backend without synchronous reads (as WebGPU): the export moves it to the CPU for the
 * trace and back afterwards. The asynchronous backend here is the CPU backend under another name
 * with `readSync` hidden, so the test runs anywhere.
 */
import { GRU } from '@recur/recurrent';
import { getBackend, randomNormal, setBackend } from '@recur/tensor';
import { CpuBackend, cpuKernels, fastCpuKernels, registerKernels, type KernelConfig } from '@recur/tensor/backend';
import { afterAll, describe, expect, it } from 'vitest';
import { checkModel, exportOnnx } from '../src/index.js';
import { verifyOnnx } from '../src/node/index.js';

function asyncCpu(): CpuBackend {
  const b = new CpuBackend();
  const readSync = CpuBackend.prototype.readSync.bind(b);
  Object.defineProperty(b, 'name', { value: 'async-cpu' });
  Object.defineProperty(b, 'readSync', { value: undefined });
  Object.defineProperty(b, 'read', { value: async (id: Parameters<typeof readSync>[0], dtype: Parameters<typeof readSync>[1]) => readSync(id, dtype) });
  registerKernels([...cpuKernels, ...fastCpuKernels].map((k) => ({ ...k, backend: 'async-cpu' })) as KernelConfig<string, never>[], { override: true });
  return b;
}

describe('a model on an asynchronous backend', () => {
  const cpu = getBackend();
  const backend = asyncCpu();
  afterAll(() => setBackend(cpu));

  it('is traced on the CPU and put back on its backend with the same weights', async () => {
    setBackend(backend);
    const m = new GRU({ inputSize: 4, hiddenSize: 3, bidirectional: true, seed: 3 }).eval();
    const x = randomNormal([5, 3, 4], 0, 1, { seed: 4 });
    expect(() => x.dataSync()).toThrow(/asynchronous/);
    const before = Array.from(await m.parameters()[0]!.value.data());
    const inputs = [x, { lengths: [5, 2, 4] }];
    const { bytes } = await exportOnnx(m, { inputs, dynamicAxes: { input: { 0: 'seq', 1: 'batch' }, lengths: { 0: 'batch' } } });
    expect(getBackend()).toBe(backend);
    expect(m.parameters().every((p) => p.value.backend === backend)).toBe(true);
    expect(Array.from(await m.parameters()[0]!.value.data())).toEqual(before);
    expect(checkModel(bytes)).toEqual([]);
    const r = await verifyOnnx(m, bytes, { inputs });
    expect(r.runs.length).toBe(3);
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    x.dispose();
    m.dispose();
  });
});
