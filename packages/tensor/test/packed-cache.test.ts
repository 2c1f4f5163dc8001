/**
 * Packed weights kept in the kernel memory (src/cpu/wasm/packed-cache.ts): from the second call on
 * one block per weight and layout, read in place, so repeated inference neither grows the memory
 * nor changes a bit; a weight seen once (training's fresh weights) keeps nothing.
 */
import { describe, expect, it } from 'vitest';
import { linear, memory, runKernel, scope, tensor, type Tensor } from '../src/index.js';
import { packedOperand } from '../src/cpu/wasm/packed-cache.js';
import { wasmRuntime } from '../src/cpu/wasm/runtime.js';

function rand(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

const bits = (t: Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

describe('packed weights kept in the kernel memory', () => {
  it('repeated LSTM and linear calls: same bits, and the memory in use stops growing after the second call', () => {
    const rt = wasmRuntime()!;
    const before = memory().tensors;
    scope(() => {
      const [T, B, H] = [6, 1, 24];
      const xp = tensor(rand(T * B * 4 * H, 1), [T, B, 4 * H]), h0 = tensor(rand(B * H, 2), [B, H]), c0 = tensor(rand(B * H, 3), [B, H]);
      const mask = tensor(new Array(T * B).fill(1), [T, B]), w = tensor(rand(4 * H * H, 4), [4 * H, H]);
      const x = tensor(rand(5 * H, 5), [5, H]), lw = tensor(rand(7 * H, 6), [7, H]), lb = tensor(rand(7, 7), [7]);
      const call = () => scope(() => [bits(runKernel('LSTMSequence', [xp, w, h0, c0, mask], { keepState: false })[0]!), bits(linear(x, lw, lb))]);
      const first = call();
      call(); // second sighting: the packed blocks are kept
      const inUse = rt.heap.bytesInUse;
      for (let i = 0; i < 5; i++) expect(call()).toEqual(first);
      expect(rt.heap.bytesInUse).toBe(inUse);
    });
    expect(memory().tensors).toBe(before);
  });

  it('weights seen once keep no block', () => {
    const rt = wasmRuntime()!;
    scope(() => {
      const x = tensor(rand(5 * 8, 8), [5, 8]), b = tensor(rand(9, 9), [9]);
      linear(x, tensor(rand(9 * 8, 10), [9, 8]), b).dataSync(); // warm the heap
      const inUse = rt.heap.bytesInUse;
      for (let i = 0; i < 4; i++) scope(() => linear(x, tensor(rand(9 * 8, 11 + i), [9, 8]), b).dataSync());
      expect(rt.heap.bytesInUse).toBe(inUse);
    });
  });

  it('packs twice (a temporary, then the kept block), then reads the kept block in place', () => {
    const rt = wasmRuntime()!;
    const id = {};
    let packs = 0;
    const get = () => {
      const mark = rt.mark();
      try {
        return packedOperand(rt, id, 'L', 64, (dst) => { packs++; rt.f32().fill(packs, dst >> 2, (dst >> 2) + 64); return 3; });
      } finally {
        rt.release(mark);
      }
    };
    const a = get();
    expect(rt.heap.sizeOf(a.p)).toBeUndefined(); // first sighting: a temporary, released with the call
    const b = get(), c = get();
    expect(packs).toBe(2);
    expect(c).toEqual({ p: b.p, max: 3 });
    expect(rt.heap.sizeOf(b.p)).toBeGreaterThanOrEqual(64 * 4); // kept past the call's release
    expect(rt.f32()[b.p >> 2]).toBe(2);
  });
});
