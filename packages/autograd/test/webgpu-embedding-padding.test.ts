// embeddingLookup's padding index on a backend whose ScatterAdd ignores `skipIndex` (WebGPU through
// SwiftShader): the op masks the updates first, so the padding row's gradient is exactly zero and
// the other rows match the CPU's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, globals } from 'webgpu';
import { createCpuBackend, embeddingLookup, memory, mul, setBackend, sum, tensor, type Tensor } from '@recur/tensor';
import { createWebGPUBackend, type WebGPUBackend } from '@recur/tensor/webgpu';
import { valueAndGrad } from '../src/index.js';

Object.assign(globalThis, globals);
const gpu = create([]); // module scope: the GPU object must outlive the device (TOOLCHAIN.md §3)
let backend: WebGPUBackend;
beforeAll(async () => { backend = await createWebGPUBackend({ gpu }); });
afterAll(() => { setBackend(createCpuBackend()); backend?.dispose(); });

const [V, E, pad] = [9, 4, 1];
const ids = [1, 3, 1, 8, 0, 3, 1, 5];
const wv = Array.from({ length: V * E }, (_, i) => Math.sin(i) * 0.5);
const cv = Array.from({ length: ids.length * E }, (_, i) => Math.cos(i) - 0.25);

async function embeddingGrad(name: string): Promise<Float32Array> {
  const w = tensor(wv, [V, E]), idx = tensor(ids, [4, 2], 'int32'), c = tensor(cv, [4, 2, E]);
  expect(w.backend.name).toBe(name);
  const before = memory().tensors;
  const { value, grads } = valueAndGrad((x: Tensor) => sum(mul(embeddingLookup(x, idx, pad), c)))(w);
  const g = Float32Array.from(await grads[0]!.data());
  value.dispose();
  grads.forEach((t) => t?.dispose());
  expect(memory().tensors).toBe(before);
  for (const t of [w, idx, c]) t.dispose();
  return g;
}

describe('embeddingLookup with a padding index on WebGPU', () => {
  it("gives the padding row no gradient and the other rows the CPU's", async () => {
    setBackend(createCpuBackend());
    const cpu = await embeddingGrad('cpu');
    setBackend(backend);
    const gpuGrad = await embeddingGrad('webgpu');
    expect(Array.from(gpuGrad.subarray(pad * E, (pad + 1) * E))).toEqual([0, 0, 0, 0]);
    gpuGrad.forEach((x, i) => expect(x).toBeCloseTo(cpu[i]!, 5));
    expect(cpu.some((x) => x !== 0)).toBe(true);
  });
});
