/**
 * Float32 finite-difference gradchecks (eps 1e-3, tolerance 1e-2, random cotangent) with every
 * kernel running on the WebGPU backend (SwiftShader through the `webgpu` package), including the
 * fused LSTM/GRU/RNN sequence kernels and their …Grad twins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, globals } from 'webgpu';
import {
  add, concat, createCpuBackend, dispose, div, exp, gather, gruSequence, log, logSoftmax, lstmSequence, matMul, max,
  mean, mul, pad, pow, relu, reshape, rnnSequence, scatterAdd, sigmoid, slice, softmax, sqrt, sub, sum, tanh, tensor,
  transpose, type Tensor,
} from '@recur/tensor';
import { setBackend } from '@recur/tensor';
import { gradcheck } from '@recur/tensor/testing';
import { createWebGPUBackend, type WebGPUBackend } from '@recur/tensor/webgpu';
import { autogradVjp, smooth } from './helpers.js';

Object.assign(globalThis, globals);
// Module scope: the GPU object must outlive the device (TOOLCHAIN.md §3).
const gpu = create([]);
let backend: WebGPUBackend;

beforeAll(async () => {
  backend = await createWebGPUBackend({ gpu });
  setBackend(backend);
});
afterAll(() => {
  setBackend(createCpuBackend());
  backend?.dispose();
});

const F32 = { eps: 1e-3, atol: 1e-2, rtol: 1e-2 };
const f32 = (shape: number[], phase = 0, scale = 1, shift = 0) => tensor(smooth(shape, phase, scale, shift), shape, 'float32');

async function check(make: () => Tensor[], f: (...xs: Tensor[]) => Tensor, wrt?: number[]): Promise<string[]> {
  const xs = make();
  try {
    expect(xs[0]!.backend.name).toBe('webgpu');
    return (await gradcheck(f, xs, autogradVjp, { ...F32, wrt })).map((r) => r.mode);
  } finally {
    dispose(xs);
  }
}

describe('float32 gradchecks on WebGPU', () => {
  const unary: Array<[string, (x: Tensor) => Tensor, () => Tensor]> = [
    ['Exp', exp, () => f32([2, 3])],
    ['Log', log, () => f32([2, 3], 0, 1, 2)],
    ['Sqrt', sqrt, () => f32([2, 3], 0, 1, 2)],
    ['Tanh', tanh, () => f32([2, 3], 0, 2)],
    ['Sigmoid', sigmoid, () => f32([2, 3], 0, 3)],
    ['Relu', relu, () => tensor([-1.5, 0.7, 2, -0.3, 1.1, -2.2], [2, 3])],
  ];
  for (const [name, op, make] of unary) it(name, async () => expect(await check(() => [make()], op)).toEqual(['jacobian']));

  const binary: Array<[string, (a: Tensor, b: Tensor) => Tensor]> = [['Add', add], ['Sub', sub], ['Mul', mul], ['Div', div]];
  for (const [name, op] of binary) {
    it(`${name} with broadcasting`, async () => {
      expect(await check(() => [f32([2, 1, 3]), f32([4, 1], 1, 1, 2)], op)).toEqual(['jacobian', 'jacobian']);
    });
  }
  it('Pow', async () => expect(await check(() => [f32([2, 3], 0, 0.5, 2), f32([3], 1)], pow)).toHaveLength(2));

  it('reductions: sum, mean, max over axes', async () => {
    await check(() => [f32([3, 4, 2])], (x) => sum(x, [0, 2]));
    await check(() => [f32([3, 4])], (x) => mean(x, 1, true));
    await check(() => [f32([3, 5], 0, 2)], (x) => max(x, 1));
  });
  it('matMul with transposes and a broadcast batch', async () => {
    await check(() => [f32([2, 3, 4]), f32([5, 4], 1)], (a, b) => matMul(a, b, { transposeB: true }));
    await check(() => [f32([4, 3]), f32([4, 2], 1)], (a, b) => matMul(a, b, { transposeA: true }));
  });
  it('movement: transpose, slice, concat, pad', async () => {
    await check(() => [f32([2, 3, 4])], (x) => transpose(x, [2, 0, 1]));
    await check(() => [f32([4, 5])], (x) => slice(x, [1, 2], [2, 3]));
    await check(() => [f32([2, 3]), f32([2, 2], 1)], (a, b) => concat([a, b], 1));
    await check(() => [f32([2, 3])], (x) => pad(x, [[1, 0], [0, 2]]));
  });
  it('gather and scatterAdd (embedding and its gradient)', async () => {
    const ids = () => tensor([2, 0, 2, 1], [4], 'int32');
    await check(() => [f32([3, 5]), ids()], (x, i) => gather(x, i!), [0]);
    await check(() => [f32([4, 5]), ids()], (u, i) => scatterAdd(u, i!, [3, 5]), [0]);
  });
  it('softmax and logSoftmax', async () => {
    await check(() => [f32([3, 4], 0, 2)], (x) => softmax(x, -1));
    await check(() => [f32([3, 4], 0, 2)], (x) => logSoftmax(x, -1));
  });
});

describe('fused sequence kernels on WebGPU (float32 gradchecks)', () => {
  const T = 3, B = 2, H = 3;
  const mask = () => tensor([1, 1, 1, 1, 1, 0], [T, B]);
  const flat = (...ts: Tensor[]) => concat(ts.map((t) => reshape(t, [-1])), 0);

  it('lstmSequence: xProj, wHh, h0, c0', async () => {
    const modes = await check(() => [f32([T, B, 4 * H]), f32([4 * H, H], 1, 0.5), f32([B, H], 2, 0.5), f32([B, H], 3, 0.5), mask()],
      (x, w, h0, c0, m) => { const r = lstmSequence(x, w!, h0!, c0!, m!); return flat(r.y, r.hN, r.cN); }, [0, 1, 2, 3]);
    expect(modes).toHaveLength(4);
  });
  it('gruSequence: xProj, wHh, bHh, h0', async () => {
    const modes = await check(() => [f32([T, B, 3 * H]), f32([3 * H, H], 1, 0.5), f32([3 * H], 4, 0.3), f32([B, H], 2, 0.5), mask()],
      (x, w, bh, h0, m) => { const r = gruSequence(x, w!, bh!, h0!, m!); return flat(r.y, r.hN); }, [0, 1, 2, 3]);
    expect(modes).toHaveLength(4);
  });
  for (const act of ['tanh', 'relu'] as const) {
    it(`rnnSequence (${act}): xProj, wHh, h0`, async () => {
      const modes = await check(() => [f32([T, B, H], 0, 1, act === 'relu' ? 0.3 : 0), f32([H, H], 1, 0.5), f32([B, H], 2, 0.5), mask()],
        (x, w, h0, m) => { const r = rnnSequence(x, w!, h0!, m!, act); return flat(r.y, r.hN); }, [0, 1, 2]);
      expect(modes).toHaveLength(3);
    });
  }
});
