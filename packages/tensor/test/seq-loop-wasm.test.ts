/**
 * The fused recurrent layers' whole-sequence WebAssembly loops (assembly/sequence.ts: one call per
 * layer and direction) give the same bits as the per-step path (one JS→WebAssembly crossing per
 * product and gate kernel per step, the path threads take): forward outputs, saved state and every
 * gradient, with padding, batch 1, odd widths, time chunks, tiny (flushed) gradients and two threads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { linear, memory, runKernel, scope, setNumThreads, tensor, type Tensor } from '../src/index.js';
import { setKernelChunkBytes } from '../src/backend-entry.js';
import { setSequenceLoop, wholeSequenceCount } from '../src/cpu/wasm/threads.js';

function rand(seed: number, n: number, scale: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

type Kind = 'lstm' | 'gru' | 'tanh' | 'relu';
const GATES: Record<Kind, number> = { lstm: 4, gru: 3, tanh: 1, relu: 1 };

/** Forward + backward of one fused layer, every output as raw float32 bits. */
function run(kind: Kind, T: number, B: number, H: number, dyScale = 0.5, keepState = true): Uint32Array[] {
  return scope(() => {
    const G = GATES[kind] * H;
    const mask = new Float32Array(T * B);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) mask[t * B + b] = t < Math.max(1, T - 3 * b) ? 1 : 0;
    const x = tensor(rand(1, T * B * G, 2), [T, B, G]), w = tensor(rand(2, G * H, 0.4), [G, H]);
    const h0 = tensor(rand(3, B * H, 0.5), [B, H]), m = tensor(mask, [T, B]);
    const dy = tensor(rand(4, T * B * H, dyScale), [T, B, H]), dhN = tensor(rand(5, B * H, dyScale), [B, H]);
    const bits = (ts: Tensor[]) => ts.map((t) => new Uint32Array(Float32Array.from(t.dataSync()).buffer));
    if (kind === 'lstm') {
      const c0 = tensor(rand(6, B * H, 0.5), [B, H]);
      const out = runKernel('LSTMSequence', [x, w, h0, c0, m], { keepState });
      if (!keepState) return bits(out);
      const [y, , , gates, cells] = out;
      const dcN = tensor(rand(7, B * H, dyScale), [B, H]);
      return bits([...out, ...runKernel('LSTMSequenceGrad', [dy, dhN, dcN, w, h0, c0, m, gates!, cells!, y!])]);
    }
    if (kind === 'gru') {
      const out = runKernel('GRUSequence', [x, w, tensor(rand(8, G, 0.5), [G]), h0, m], { keepState });
      if (!keepState) return bits(out);
      const [y, , gates, hLin] = out;
      return bits([...out, ...runKernel('GRUSequenceGrad', [dy, dhN, w, h0, m, gates!, hLin!, y!])]);
    }
    const out = runKernel('RNNSequence', [x, w, h0, m], { nonlinearity: kind });
    return bits([...out, ...runKernel('RNNSequenceGrad', [dy, dhN, w, h0, m, out[0]!], { nonlinearity: kind })]);
  });
}

/** Runs `f` on the per-step path and on the whole-sequence loop; both must give the same bits. */
function expectSameBits(f: () => Uint32Array[]): void {
  const before = memory().tensors;
  setSequenceLoop('steps');
  const calls = wholeSequenceCount();
  const steps = f();
  expect(wholeSequenceCount()).toBe(calls); // the per-step path really ran
  setSequenceLoop('auto');
  const whole = f();
  expect(wholeSequenceCount()).toBeGreaterThan(calls); // and the loop in WebAssembly did
  expect(whole.length).toBe(steps.length);
  whole.forEach((w, i) => expect(w, `output ${i}`).toEqual(steps[i]));
  expect(memory().tensors).toBe(before);
}

afterEach(() => {
  setSequenceLoop('auto');
  setKernelChunkBytes(null);
  setNumThreads(1);
});

describe('whole-sequence WebAssembly loops', () => {
  const shapes: Array<[number, number, number]> = [[9, 1, 32], [12, 5, 20], [7, 3, 7], [5, 13, 40]];
  for (const kind of ['lstm', 'gru', 'tanh', 'relu'] as const) {
    it(`${kind}: forward and backward match the per-step path bit for bit`, () => {
      for (const [T, B, H] of shapes) expectSameBits(() => run(kind, T, B, H));
    });

    it(`${kind}: tiny gradients (flushed below the threshold) and inference without saved state`, () => {
      expectSameBits(() => run(kind, 10, 4, 12, 1e-33));
      if (kind === 'lstm' || kind === 'gru') expectSameBits(() => run(kind, 9, 4, 16, 0.5, false));
    });

    it(`${kind}: a time-chunked sequence (one call per chunk)`, () => {
      setKernelChunkBytes(4096);
      expectSameBits(() => run(kind, 150, 8, 16));
    });
  }

  it('two threads: small layers loop in WebAssembly, large ones split per step; same bits as one thread', () => {
    const one = [run('lstm', 6, 3, 16), run('gru', 4, 64, 64)];
    setNumThreads(2);
    const calls = wholeSequenceCount();
    expect(run('lstm', 6, 3, 16)).toEqual(one[0]);
    const small = wholeSequenceCount();
    expect(small).toBeGreaterThan(calls);
    expect(run('gru', 4, 64, 64)).toEqual(one[1]); // 64·192·64 multiply-adds per step: split
    expect(wholeSequenceCount()).toBe(small);
  });

  it('xProj already in the kernel memory (a linear output) is read in place: same bits as a copied xProj', () => {
    const before = memory().tensors;
    for (const kind of ['lstm', 'tanh'] as const) {
      for (const mode of ['auto', 'steps'] as const) {
        setSequenceLoop(mode);
        scope(() => {
          const [T, B, H, F] = [7, 3, 12, 10], G = GATES[kind] * H;
          const xProj = linear(tensor(rand(9, T * B * F, 1), [T * B, F]), tensor(rand(10, G * F, 0.5), [G, F]), tensor(rand(11, G, 0.5), [G])).reshape([T, B, G]);
          const copy = tensor(Float32Array.from(xProj.dataSync()), [T, B, G]); // plain JS storage
          const w = tensor(rand(2, G * H, 0.4), [G, H]), h0 = tensor(rand(3, B * H, 0.5), [B, H]), m = tensor(new Float32Array(T * B).fill(1), [T, B]);
          const fwd = (x: Tensor) => kind === 'lstm'
            ? runKernel('LSTMSequence', [x, w, h0, tensor(rand(6, B * H, 0.5), [B, H]), m], { keepState: true })
            : runKernel('RNNSequence', [x, w, h0, m], { nonlinearity: kind });
          const bits = (ts: Tensor[]) => ts.map((t) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer)));
          expect(bits(fwd(xProj))).toEqual(bits(fwd(copy)));
        });
      }
    }
    expect(memory().tensors).toBe(before);
  });
});
