/**
 * The WebAssembly heap (temporaries and resident kernel outputs) and resident tensor storage:
 * outputs stay in the kernels' memory, feed the next kernel without a copy, and are freed with
 * their tensor.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { add, adamUpdate, dispose, getBackend, matMul, memory, randomUniform, scope, setCpuSimd, tensor, type Tensor } from '../src/index.js';
import { WasmHeap } from '../src/cpu/wasm/heap.js';
import { residentOwner } from '../src/cpu/wasm/resident.js';
import { wasmRuntime } from '../src/cpu/wasm/runtime.js';
import type { CpuBackend } from '../src/cpu/cpu-backend.js';

const storage = (t: Tensor) => (getBackend() as CpuBackend).values(t.dataId);

afterEach(() => setCpuSimd('auto'));

describe('WasmHeap', () => {
  it('allocates first fit, reuses freed blocks and merges neighbours', () => {
    const mem = new WebAssembly.Memory({ initial: 2, maximum: 64 });
    const h = new WasmHeap(mem, 65536, 64 * 65536);
    const a = h.tryAlloc(100)!, b = h.tryAlloc(1000)!, c = h.tryAlloc(64)!;
    expect([a, b, c]).toEqual([65536, 65536 + 128, 65536 + 128 + 1024]);
    expect(h.bytesInUse).toBe(128 + 1024 + 64);
    h.free(b);
    expect(h.tryAlloc(512)).toBe(b); // first fit: b's hole
    h.free(a);
    h.free(b);
    expect(h.tryAlloc(1100)).toBe(a); // a and b merged into one hole
    expect(() => h.free(b)).toThrow(/starts no allocated block/);
  });

  it('grows the memory when nothing fits, and says no past its limit', () => {
    const mem = new WebAssembly.Memory({ initial: 2, maximum: 8 });
    const h = new WasmHeap(mem, 65536, 8 * 65536);
    const big = h.tryAlloc(3 * 65536)!;
    expect(mem.buffer.byteLength).toBeGreaterThanOrEqual(65536 + 3 * 65536);
    expect(h.tryAlloc(8 * 65536)).toBeNull();
    h.free(big);
    expect(h.bytesInUse).toBe(0);
  });
});

describe('resident kernel outputs', () => {
  it('a product stays in the kernel memory, feeds the next product, and is freed with its tensor', () => {
    setCpuSimd('auto');
    const rt = wasmRuntime()!;
    const before = rt.heap.bytesInUse;
    const a = randomUniform([64, 96], -1, 1, { seed: 1 }), b = randomUniform([96, 80], -1, 1, { seed: 2 });
    const c = randomUniform([80, 8], -1, 1, { seed: 3 });
    const ab = matMul(a, b);
    expect(residentOwner(storage(ab))).toBe(rt);
    expect(rt.heap.bytesInUse).toBeGreaterThan(before);
    const fast = scope(() => matMul(ab, c).dataSync());
    setCpuSimd('off');
    const ref = scope(() => matMul(matMul(a, b), c).dataSync());
    setCpuSimd('auto');
    for (let i = 0; i < ref.length; i++) expect(Math.abs(fast[i]! - ref[i]!)).toBeLessThan(1e-4);
    dispose([a, b, c, ab]);
    expect(rt.heap.bytesInUse).toBe(before);
  });

  it('reads give copies: changing one leaves the tensor as it was', () => {
    const x = randomUniform([32, 32], -1, 1, { seed: 4 });
    const y = matMul(x, x);
    const r = y.dataSync();
    const first = r[0];
    r[0] = 1234;
    expect(y.dataSync()[0]).toBe(first);
    dispose([x, y]);
  });

  it('outlive a switch of kernel module, and free into the module that holds them', () => {
    setCpuSimd('auto');
    const old = wasmRuntime()!;
    const x = randomUniform([40, 40], -1, 1, { seed: 5 });
    const y = matMul(x, x);
    const want = y.dataSync();
    setCpuSimd('simdShared');
    expect(wasmRuntime()).not.toBe(old);
    expect(scope(() => add(y, 0).dataSync())).toEqual(want);
    const held = old.heap.bytesInUse;
    y.dispose();
    expect(old.heap.bytesInUse).toBeLessThan(held);
    x.dispose();
  });

  it('past the resident limit, outputs are copied out (temporaries keep room in the kernel memory)', () => {
    setCpuSimd('auto');
    const rt = wasmRuntime()!;
    const x = randomUniform([16, 16], -1, 1, { seed: 9 });
    const limit = rt.residentLimit;
    rt.residentLimit = 0;
    const y = matMul(x, x);
    rt.residentLimit = limit;
    const z = matMul(x, x);
    expect(residentOwner(storage(y))).toBeUndefined();
    expect(residentOwner(storage(z))).toBe(rt);
    expect(Array.from(y.dataSync())).toEqual(Array.from(z.dataSync()));
    dispose([x, y, z]);
  });

  it('the unshared build (whose views growth would detach) hands out copies', () => {
    setCpuSimd('simd');
    const x = randomUniform([16, 16], -1, 1, { seed: 6 });
    const y = matMul(x, x);
    expect(residentOwner(storage(y))).toBeUndefined();
    dispose([x, y]);
  });

  it('Adam writes the new parameter and moments into resident blocks; the old ones are freed', () => {
    setCpuSimd('auto');
    const rt = wasmRuntime()!;
    const before = rt.heap.bytesInUse, tensors = memory().tensors;
    let p: Tensor = randomUniform([50_000], -1, 1, { seed: 7 }), m: Tensor | undefined, v: Tensor | undefined;
    for (let step = 1; step <= 3; step++) {
      const g = tensor(Float32Array.from({ length: 50_000 }, (_, i) => Math.sin(i * step) * 1e-2), [50_000]);
      const r = adamUpdate(p, g, { expAvg: m, expAvgSq: v }, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, step, weightDecay: 0, decoupled: false });
      dispose([p, g, m, v].filter((t): t is Tensor => t !== undefined));
      p = r.param; m = r.expAvg; v = r.expAvgSq;
      expect(residentOwner(storage(p))).toBe(rt);
    }
    expect(rt.heap.bytesInUse - before).toBe(3 * Math.ceil((50_000 * 4) / 64) * 64); // p, m, v and nothing else
    dispose([p, m!, v!]);
    expect(rt.heap.bytesInUse).toBe(before);
    expect(memory().tensors).toBe(tensors);
  });
});

describe('resident blocks whose view is dropped without release', () => {
  it('are freed when the garbage collector takes the view', async () => {
    // A tensor dropped without dispose() loses its storage view the same way.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    setCpuSimd('auto');
    const rt = wasmRuntime()!;
    const before = rt.heap.bytesInUse;
    const mark = rt.mark();
    (() => { rt.output(rt.alloc(4096), 4096); })(); // a resident view nobody keeps
    rt.release(mark);
    expect(rt.heap.bytesInUse).toBe(before + 4096 * 4);
    for (let i = 0; i < 20 && rt.heap.bytesInUse > before; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(rt.heap.bytesInUse).toBe(before);
  });
});
