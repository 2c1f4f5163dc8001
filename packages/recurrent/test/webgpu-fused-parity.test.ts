/**
 * Fused WebGPU recurrent kernels against the composite reference path (lstmSequenceComposite & co,
 * built from primitives), forward and backward, through whole LSTM/GRU/RNN layers: 2 layers,
 * bidirectional, ragged lengths. Both paths run on WebGPU, and the composite also on the CPU.
 */
import { backward } from '@recur/autograd';
import { add, dispose, keep, memory, mul, scope, setBackend, sum, tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, RNN } from '../src/index.js';
import { cpu, webgpu } from './webgpu.js';

const T = 5, B = 3, I = 4, H = 6;
const lengths = [5, 3, 1];
const wave = (n: number, p: number) => Array.from({ length: n }, (_, i) => Math.cos(0.7 * i + p) * 0.8);

type Layer = LSTM | GRU | RNN;
const makers: Record<string, () => Layer> = {
  lstm: () => new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 7 }),
  gru: () => new GRU({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 8 }),
  'rnn-tanh': () => new RNN({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, seed: 9 }),
  'rnn-relu': () => new RNN({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, nonlinearity: 'relu', seed: 9 }),
};

/** Outputs and every parameter gradient of ⟨u, output⟩ + ⟨v, hN⟩ (+ ⟨w, cN⟩), read as float64. */
async function run(kind: string, fused: boolean): Promise<Float64Array[]> {
  const layer = makers[kind]!();
  const params = layer.parameters().map((p) => p.value);
  const x = tensor(wave(T * B * I, 0.3), [T, B, I]);
  const kept: Tensor[] = [];
  const loss = scope(() => {
    const r = layer.forward(x, { lengths, fused });
    const parts: Tensor[] = [r.output, r.hN, ...('cN' in r && r.cN ? [r.cN as Tensor] : [])];
    let l: Tensor | undefined;
    parts.forEach((p, i) => {
      kept.push(keep(p));
      const s = sum(mul(p, tensor(wave(p.size, i + 1), p.shape)));
      l = l ? add(l, s) : s;
    });
    return l!;
  });
  const grads = backward(loss, params);
  try {
    return await Promise.all([...kept, ...grads].map(async (t) => Float64Array.from(await t.data())));
  } finally {
    dispose([loss, x, ...kept, ...grads]);
    layer.dispose();
  }
}

function worst(a: Float64Array, b: Float64Array, atol: number, rtol: number): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!)));
  return w;
}

describe('fused WebGPU kernels vs the composite path (layers, forward and backward)', () => {
  for (const kind of Object.keys(makers)) {
    it(kind, async () => {
      const gpu = await webgpu();
      const before = memory().tensors;
      setBackend(cpu);
      const cpuComposite = await run(kind, false);
      setBackend(gpu);
      try {
        const gpuFused = await run(kind, true);
        const gpuComposite = await run(kind, false);
        expect(gpuFused.length).toBe(cpuComposite.length);
        gpuFused.forEach((v, i) => {
          expect(worst(v, gpuComposite[i]!, 2e-5, 1e-4), `${kind} tensor ${i}: fused vs composite on WebGPU`).toBeLessThanOrEqual(1);
          expect(worst(v, cpuComposite[i]!, 2e-5, 1e-4), `${kind} tensor ${i}: fused WebGPU vs composite CPU`).toBeLessThanOrEqual(1);
        });
        expect(memory().tensors, 'live tensors after the test').toBe(before);
      } finally {
        setBackend(cpu);
      }
    });
  }
});
