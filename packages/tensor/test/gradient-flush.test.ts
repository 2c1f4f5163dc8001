// The WebAssembly backward kernels zero gradient entries below 2^-64 × their largest incoming
// gradient / max(1, largest |W_hh|) (near-subnormal products are ~100× slower on x86). These tests pin that the threshold
// is relative (a uniformly tiny gradient is kept exactly), that it applies inside the backward
// kernels, and that it is reset afterwards (matMul keeps flushing subnormals only).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matMul, memory, runKernel, scope, setCpuSimd, tensor } from '../src/index.js';
import { runFused } from './fused-harness.js';
import { cotangents, makeCase, type Cotangents, type Kind } from './fused-reference.js';

const bits = (v: Float64Array) => Array.from(Float32Array.from(v), (x) => new Uint32Array(Float32Array.of(x).buffer)[0]);

describe('gradient flush threshold of the wasm backward kernels', () => {
  let before = 0;
  beforeEach(() => {
    expect(setCpuSimd('auto')).not.toBeNull();
    before = memory().tensors;
  });
  afterEach(() => expect(memory().tensors).toBe(before));

  it.each<Kind>(['lstm', 'gru', 'rnn-tanh', 'rnn-relu'])('%s: gradients scaled by 2^-100 scale exactly (the threshold is relative)', (kind) => {
    const c = makeCase(kind, 6, 3, 5, [6, 4, 1], 11);
    const u = cotangents(c, 3);
    const s = 2 ** -100;
    const tiny: Cotangents = { ...u, dy: u.dy.map((v) => v * s), dhN: u.dhN.map((v) => v * s), dcN: u.dcN?.map((v) => v * s) };
    const big = runFused(c, u, 'float32').grads, small = runFused(c, tiny, 'float32').grads;
    for (const k of Object.keys(big)) {
      expect(bits(small[k]!.map((v) => v / s)), k).toEqual(bits(big[k]!));
    }
  });

  // RNN, T=1, B=2, H=1: dxProj[b] = (dy[b] + dhN[b])·(1 − y[b]²). Row 1's dy, alone in its row, is
  // zeroed when below 2^-64 × the largest incoming entry (row 0's dhN), and kept when above.
  function rnnGrad(dy1: number, dhN0: number, wHh = 0.5): number {
    return scope(() => {
      const x = tensor([0.3, -0.2], [1, 2, 1]), w = tensor([wHh], [1, 1]), h0 = tensor([0, 0], [2, 1]), mask = tensor([1, 1], [1, 2]);
      const [y] = runKernel('RNNSequence', [x, w, h0, mask], { nonlinearity: 'tanh' });
      const dy = tensor([0, dy1], [1, 2, 1]), dhN = tensor([dhN0, 0], [2, 1]);
      const [dx] = runKernel('RNNSequenceGrad', [dy, dhN, w, h0, mask, y!], { nonlinearity: 'tanh' });
      return dx!.dataSync()[1]!;
    });
  }

  it('zeroes an incoming gradient entry below 2^-64 of the largest, keeps one above', () => {
    expect(rnnGrad(1e-25, 1)).toBe(0);
    expect(rnnGrad(1e-15, 1)).toBeCloseTo(1e-15 * (1 - Math.tanh(-0.2) ** 2), 20);
    expect(rnnGrad(1e-25, 0)).toBeCloseTo(1e-25 * (1 - Math.tanh(-0.2) ** 2), 30); // alone, it is the scale
    // Huge weights lower the threshold by their scale: the entry's contribution through W_hh counts.
    expect(rnnGrad(1e-25, 1, 2 ** 70)).toBeCloseTo(1e-25 * (1 - Math.tanh(-0.2) ** 2), 30);
  });

  it('resets to subnormal-only flushing after a backward kernel (matMul keeps 1e-37)', () => {
    rnnGrad(1e-25, 1);
    const out = scope(() => matMul(tensor([[1e-37, 1]], [1, 2]), tensor([[1], [0]], [2, 1])).dataSync()[0]);
    expect(out).toBe(Math.fround(1e-37));
  });
});
