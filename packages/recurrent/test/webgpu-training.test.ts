/**
 * 20 seeded LSTM training steps (LSTM → Linear → crossEntropy, Adam) on the CPU and on WebGPU give
 * the same loss curve within 1e-4, and a WebGPU step costs a fixed handful of dispatches per time
 * step (fused kernels), not one per elementary op.
 */
import { backward } from '@recur/autograd';
import { dispose, keep, memory, reshape, scope, setBackend, slice, tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, crossEntropy, Linear, LSTM } from '../src/index.js';
import { cpu, webgpu } from './webgpu.js';

const T = 8, B = 4, I = 5, H = 16, C = 3;
const lengths = [8, 6, 8, 3];

function data(step: number): { x: number[]; y: number[] } {
  const x = Array.from({ length: T * B * I }, (_, i) => Math.sin(0.37 * i + 1.1 * step) * 0.9);
  const y = Array.from({ length: B }, (_, b) => (b + step) % C);
  return { x, y };
}

/** Runs `steps` Adam steps from seeded weights on the active backend; returns the losses. */
async function train(steps: number, seqLen = T): Promise<number[]> {
  const lstm = new LSTM({ inputSize: I, hiddenSize: H, seed: 11 });
  const fc = new Linear({ inFeatures: H, outFeatures: C, seed: 12 });
  const params = [...lstm.parameters(), ...fc.parameters()];
  const opt = new Adam(params, { lr: 0.02 });
  const losses: number[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      const { x, y } = data(0); // one fixed batch: the loss must fall
      const loss = keep(scope(() => {
        const xs = slice(tensor(x, [T, B, I]), [0, 0, 0], [seqLen, B, I]);
        const { hN } = lstm.forward(xs, { lengths: lengths.map((l) => Math.min(l, seqLen)) });
        return crossEntropy(fc.forward(reshape(hN, [B, H])), tensor(y, [B], 'int32'));
      }));
      const grads: Tensor[] = backward(loss, params.map((p) => p.value));
      opt.step(grads);
      dispose(grads);
      losses.push((await loss.data())[0]!);
      loss.dispose();
    }
  } finally {
    opt.dispose();
    lstm.dispose();
    fc.dispose();
  }
  return losses;
}

describe('LSTM training on WebGPU', () => {
  it('20 seeded steps give the CPU loss curve within 1e-4', async () => {
    const before = memory().tensors;
    const gpu = await webgpu();
    setBackend(cpu);
    const cpuLosses = await train(20);
    setBackend(gpu);
    try {
      const gpuLosses = await train(20);
      gpuLosses.forEach((l, i) => expect(Math.abs(l - cpuLosses[i]!), `step ${i}: webgpu ${l}, cpu ${cpuLosses[i]}`).toBeLessThanOrEqual(1e-4));
      expect(gpuLosses[19]!).toBeLessThan(gpuLosses[0]!);
    } finally {
      setBackend(cpu);
    }
    expect(memory().tensors).toBe(before);
  });

  it('costs a fixed number of dispatches per time step (fused kernels)', async () => {
    const gpu = await webgpu();
    setBackend(gpu);
    try {
      const count = async (seqLen: number) => {
        const d0 = gpu.stats.dispatches;
        await train(1, seqLen);
        return gpu.stats.dispatches - d0;
      };
      const short = await count(4), long = await count(8);
      // Forward 1 + backward 2 dispatches per step; the rest of a training step does not grow with T.
      expect((long - short) / 4).toBeLessThanOrEqual(3);
    } finally {
      setBackend(cpu);
    }
  });
});
