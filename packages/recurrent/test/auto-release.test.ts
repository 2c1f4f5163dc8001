/**
 * PyTorch-style inference without scope/dispose: handles dropped outside every scope are released
 * when the garbage collector reclaims them, so 10,000 forward calls keep tensors and RSS flat.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { add, keep, memory, scope, setAutoRelease, tensor, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { LSTM } from '../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void; // a full collection, as V8 runs when the heap grows
const turn = () => new Promise<void>((r) => setImmediate(r)); // finalizers run between tasks
const collect = async () => {
  for (let k = 0; k < 2; k++) {
    gc();
    await turn();
  }
};

describe('tensors dropped without dispose', () => {
  it('a loop of 10,000 lstm.forward(x).output.dataSync() calls keeps memory().tensors, heap and RSS flat', async () => {
    const lstm = new LSTM({ inputSize: 8, hiddenSize: 16, seed: 1 });
    const x = tensor(Float32Array.from({ length: 5 * 2 * 8 }, (_, i) => Math.sin(i)), [5, 2, 8]);
    await collect();
    const base = memory().tensors;
    const reclaimedBefore = memory().reclaimed;
    const live: number[] = [];
    const heap: number[] = [];
    const rss: number[] = [];
    let checksum = 0;
    for (let i = 0; i < 10_000; i++) {
      checksum += lstm.forward(x).output.dataSync()[0]!; // PyTorch-style: nothing disposed
      if (i % 1000 === 999) {
        await collect();
        live.push(memory().tensors - base);
        heap.push(process.memoryUsage().heapUsed / 2 ** 20);
        rss.push(process.memoryUsage().rss / 2 ** 20);
      }
    }
    const mib = (xs: number[]) => xs.map(Math.round).join(' ');
    expect(Number.isFinite(checksum)).toBe(true);
    // Without the finalizer every call leaves ~11 handles (output, hN, cN, saved tensors…): 110,000 at the end.
    expect(live, 'live tensors after each 1,000 calls').toEqual(new Array(10).fill(0));
    expect(memory().reclaimed - reclaimedBefore).toBeGreaterThanOrEqual(10_000 * 3);
    expect(Math.max(...heap.slice(2)) - heap[1]!, `heap MiB: ${mib(heap)}`).toBeLessThan(8);
    expect(Math.max(...rss.slice(2)) - rss[1]!, `RSS MiB: ${mib(rss)}`).toBeLessThan(32);
    x.dispose();
    lstm.dispose();
  });

  it('releases storage once, only for handles outside every scope, and not when turned off', async () => {
    await collect();
    const before = memory();
    let t: Tensor | undefined = tensor([1, 2, 3]); // outside any scope: registered
    let kept: Tensor | undefined = scope(() => keep(add(tensor([1]), 1))); // kept: registered
    let inScope = false;
    scope(() => {
      const u = tensor([4]);
      inScope = u.finalizable;
    });
    const explicit = tensor([5]);
    explicit.dispose(); // unregistered: never released twice
    expect([t.finalizable, kept.finalizable, inScope]).toEqual([true, true, false]);
    expect(memory().tensors).toBe(before.tensors + 2);
    t = undefined;
    kept = undefined;
    await collect();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().buffers).toBe(before.buffers);
    expect(memory().reclaimed).toBe(before.reclaimed + 2);
    setAutoRelease(false);
    try {
      const off = tensor([6]);
      expect(off.finalizable).toBe(false);
      off.dispose();
    } finally {
      setAutoRelease(true);
    }
    expect(memory().tensors).toBe(before.tensors);
  });
});
