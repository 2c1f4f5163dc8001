// The WebAssembly AdamUpdate (float32, no amsgrad) must give the JS kernel's bits exactly: same
// operation order, same fused multiply-adds (float64-emulated in both).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adamUpdate, getBackend, memory, setCpuSimd, tensor, type Tensor } from '../src/index.js';
import { getKernel } from '../src/registry.js';
import { wasmOptimKernels } from '../src/cpu/wasm/adam-wasm.js';

function rand(n: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}

function run(mode: 'auto' | 'off', opts: { weightDecay: number; decoupled: boolean }, n: number): Uint32Array[] {
  setCpuSimd(mode);
  let p: Tensor = tensor(rand(n, 1, 1)), m: Tensor | undefined, v: Tensor | undefined;
  for (let step = 1; step <= 3; step++) {
    const g = tensor(rand(n, 10 + step, step === 2 ? 1e-30 : 1e-2)); // a near-subnormal step too
    const r = adamUpdate(p, g, { expAvg: m, expAvgSq: v }, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, step, ...opts });
    for (const t of [p, g, m, v]) t?.dispose();
    p = r.param; m = r.expAvg; v = r.expAvgSq;
  }
  const out = [p, m!, v!].map((t) => new Uint32Array(Float32Array.from(t.dataSync()).buffer));
  for (const t of [p, m, v]) t?.dispose();
  return out;
}

describe('WebAssembly AdamUpdate', () => {
  let before = 0;
  beforeEach(() => { before = memory().tensors; });
  afterEach(() => { setCpuSimd('auto'); expect(memory().tensors).toBe(before); });

  it('is the registered float32 kernel', () => {
    setCpuSimd('auto');
    expect(getKernel(getBackend().name, 'AdamUpdate')!.run).toBe(wasmOptimKernels[0]!.run);
  });

  for (const [name, opts] of [['Adam', { weightDecay: 0, decoupled: false }], ['Adam + L2', { weightDecay: 0.1, decoupled: false }],
    ['AdamW', { weightDecay: 0.1, decoupled: true }]] as const) {
    it(`${name}: the same bits as the JS kernel over 3 steps (1003 floats: SIMD body and scalar tail)`, () => {
      expect(run('auto', opts, 1003)).toEqual(run('off', opts, 1003));
    });
  }

  it('the same bits over several passes (2.5 chunks of 16384, the embedding-sized path)', () => {
    const opts = { weightDecay: 0.1, decoupled: true };
    expect(run('auto', opts, 2 * 16384 + 8195)).toEqual(run('off', opts, 2 * 16384 + 8195));
  });
});
