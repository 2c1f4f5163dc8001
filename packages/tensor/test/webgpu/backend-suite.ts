/**
 * WebGPU backend behaviour beyond kernel values: limits (dispatch folding past 65,535 workgroups,
 * maxStorageBufferBindingSize), device loss, memory accounting with buffer reuse, dtype errors,
 * out-of-range indices, the atomic ScatterAdd path, batched submission and the pipeline cache.
 */
import { describe, expect, it } from 'vitest';
import {
  add, dispose, full, gather, matMul, memory, mul, randomUniform, runKernel, scatterAdd, scope, setBackend, sum, tensor, type Tensor,
} from '../../src/index.js';
import { runScatterAdd } from '../../src/webgpu/kernels/indexing.js';
import { gridFor } from '../../src/webgpu/index.js';
import { cpu, freshWebgpu, onBoth, webgpu } from './gpu.js';

async function on<T>(b: Parameters<typeof setBackend>[0], fn: () => Promise<T>): Promise<T> {
  setBackend(b);
  try {
    return await fn();
  } finally {
    setBackend(cpu);
  }
}

describe('WebGPU backend', () => {
  it('reports the adapter (the CLI prints it)', async () => {
    const b = await webgpu();
    expect(b.name).toBe('webgpu');
    expect(b.adapterInfo.vendor.length + b.adapterInfo.architecture.length).toBeGreaterThan(0);
  });

  it('folds dispatches past the per-dimension workgroup limit into 2-D', async () => {
    expect(gridFor(70_000, 65_535)).toEqual([65_535, 2, 1]);
    expect(gridFor(10, 65_535)).toEqual([10, 1, 1]);
    const small = await freshWebgpu({ limits: { maxComputeWorkgroupsPerDimension: 16 } });
    try {
      // 10,000 elements / 64 per workgroup = 157 workgroups > 16: folded, every element still right.
      const n = 10_000;
      const got = await on(small, async () => {
        const y = scope(() => add(tensor(Float32Array.from({ length: n }, (_, i) => i)), tensor(Float32Array.from({ length: n }, (_, i) => 2 * i))));
        const v = await y.data();
        const s = scope(() => sum(y));
        const total = await s.data();
        dispose([y, s]);
        return { v, total: total[0]! };
      });
      expect(Array.from(got.v).every((x, i) => x === 3 * i)).toBe(true);
      expect(got.total).toBeCloseTo((3 * n * (n - 1)) / 2, -3);
    } finally {
      small.dispose();
    }
  });

  it('refuses tensors above maxStorageBufferBindingSize with an error naming the op and size', async () => {
    const small = await freshWebgpu({ limits: { maxStorageBufferBindingSize: 4096 } });
    try {
      await on(small, async () => {
        const a = full([1000], 1);
        expect(() => mul(a, 2).dispose()).not.toThrow();
        expect(() => full([2000], 1)).toThrow(/Fill: tensor of shape \[2000\] needs 8000 bytes, above this device's maxStorageBufferBindingSize \(4096 bytes\)/);
        expect(() => tensor(new Float32Array(5000))).toThrow(/write: tensor of shape \[5000\] needs 20000 bytes/);
        a.dispose();
      });
    } finally {
      small.dispose();
    }
  });

  it('rejects float64 with an error naming the op', async () => {
    await on(await webgpu(), async () => {
      expect(() => tensor([1, 2], [2], 'float64')).toThrow(/webgpu: write: float64 is not supported on WebGPU/);
    });
  });

  it('device loss: a clear error, pending reads reject instead of hanging, and a new backend works', async () => {
    const b = await freshWebgpu();
    await on(b, async () => {
      const x = tensor([1, 2, 3]);
      const y = mul(x, 2);
      expect(Array.from(await y.data())).toEqual([2, 4, 6]);
      const pending = y.data();
      b.device.destroy();
      await expect(pending).rejects.toThrow(/webgpu: device lost .*create a new backend with createWebGPUBackend\(\)/);
      await new Promise((r) => setTimeout(r, 10));
      expect(b.lost).toBe(true);
      expect(() => mul(x, 3)).toThrow(/webgpu: device lost \(destroyed.*\).*createWebGPUBackend\(\)/);
      await expect(y.data()).rejects.toThrow(/device lost/);
      dispose([x, y]);
    });
    const again = await freshWebgpu();
    try {
      const v = await on(again, async () => {
        const t = scope(() => add(tensor([1]), 1));
        const d = await t.data();
        t.dispose();
        return Array.from(d);
      });
      expect(v).toEqual([2]);
    } finally {
      again.dispose();
    }
  });

  it('memory(): bytes and buffers of live tensors; pooled buffers are reused, not leaked', async () => {
    const b = await webgpu();
    await on(b, async () => {
      const m0 = b.memory();
      const run = () => scope(() => sum(mul(add(full([1000], 1), 2), 3)));
      const r1 = run();
      await r1.data();
      r1.dispose();
      const pooled = b.memory().pooledBytes;
      const r2 = run();
      await r2.data();
      r2.dispose();
      expect(b.memory().pooledBytes).toBe(pooled); // same sizes again: every buffer came from the pool
      const m1 = b.memory();
      expect([m1.bytes, m1.buffers]).toEqual([m0.bytes, m0.buffers]);
      const t = full([100], 1);
      expect(b.memory().buffers).toBe(m0.buffers + 1);
      expect(b.memory().bytes).toBe(m0.bytes + 400);
      expect(memory().backend).toBe('webgpu');
      t.dispose();
    });
  });

  it('out-of-range indices surface as an error on the next read', async () => {
    await on(await webgpu(), async () => {
      const x = tensor([[1, 2], [3, 4]]);
      const bad = tensor([0, 5], [2], 'int32');
      const y = gather(x, bad);
      await expect(y.data()).rejects.toThrow(/webgpu: gather: index 5 is out of range/);
      const one = tensor([1], [1], 'int32');
      const ok = gather(x, one);
      expect(Array.from(await ok.data())).toEqual([3, 4]); // the flag was cleared
      dispose([x, bad, y, ok, one]);
    });
  });

  it('ScatterAdd: the atomic path matches the deterministic one', async () => {
    const b = await webgpu();
    await on(b, async () => {
      const ids = tensor([3, 0, 3, 1, 3, 0], [6], 'int32');
      const upd = randomUniform([2, 6, 5], 0, 1, { seed: 3 });
      const det = scatterAdd(upd, ids, [2, 4, 5], 1);
      const info = runScatterAdd(b, upd, ids, [2, 4, 5], 1, true);
      const atomic = await b.read(info.dataId, 'float32');
      b.release(info.dataId);
      const d = await det.data();
      d.forEach((v, i) => expect(Math.abs(v - atomic[i]!)).toBeLessThan(1e-5));
      dispose([ids, upd, det]);
    });
  });

  it('batches submissions and caches pipelines by structure', async () => {
    const b = await webgpu();
    await on(b, async () => {
      const s0 = { ...b.stats };
      const p0 = b.memory().pipelines;
      const y = scope(() => {
        let t: Tensor = full([7, 3], 1);
        for (let i = 0; i < 100; i++) t = add(t, 1);
        return t;
      });
      expect(Array.from(await y.data())[0]).toBe(101);
      y.dispose();
      expect(b.stats.dispatches - s0.dispatches).toBe(101);
      expect(b.stats.submits - s0.submits).toBeLessThanOrEqual(3); // 101 dispatches, batches of 64, one read
      const p1 = b.memory().pipelines;
      const z = scope(() => add(full([1000, 3], 1), 1)); // other shapes, same structure: no new pipeline
      await z.data();
      z.dispose();
      expect(b.memory().pipelines).toBe(p1);
      expect(p1).toBeGreaterThanOrEqual(p0);
    });
  });

  it('encodes a whole recurrent sequence (forward and backward) in one command buffer', async () => {
    const b = await webgpu();
    await on(b, async () => {
      const T = 250, B = 2, H = 8; // 250 forward and 251 backward step dispatches: past the 64-dispatch batch
      const ins = scope(() => [
        randomUniform([T, B, H], -1, 1, { seed: 3 }), randomUniform([H, H], -0.5, 0.5, { seed: 4 }),
        randomUniform([B, H], -1, 1, { seed: 5 }), full([T, B], 1), randomUniform([T, B, H], -1, 1, { seed: 6 }), full([B, H], 0),
      ]);
      const [x, wHh, h0, mask, dy, dhN] = ins as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      await x.data(); // everything before is submitted
      const s0 = b.stats.submits, d0 = b.stats.dispatches;
      const out = runKernel('RNNSequence', [x, wHh, h0, mask], { nonlinearity: 'tanh' });
      const grads = runKernel('RNNSequenceGrad', [dy, dhN, wHh, h0, mask, out[0]!], { nonlinearity: 'tanh' });
      expect(b.stats.dispatches - d0).toBeGreaterThanOrEqual(2 * T + 1);
      await grads[0]!.data();
      // Batches of 64 would need ≥ 8 submits for these ≥ 501 dispatches. Unbroken loops need at most 4:
      // what came before the forward loop, the forward loop (+ what follows it up to the backward
      // loop), the backward loop, and the rest with the read.
      expect(b.stats.submits - s0).toBeLessThanOrEqual(4);
      dispose([...out, ...grads, ...ins]);
    });
  });

  it('counts bound, uploaded and read-back bytes', async () => {
    const b = await webgpu();
    await on(b, async () => {
      const s0 = { ...b.stats };
      const x = tensor(new Float32Array(100).fill(2)); // 400 bytes up
      const y = scope(() => add(x, x));                // one dispatch binding x and y: 2 × 400 bytes (pool classes are 16-byte multiples)
      expect(Array.from(await y.data()).every((v) => v === 4)).toBe(true);
      expect(b.stats.dispatches - s0.dispatches).toBe(1);
      expect(b.stats.boundBytes - s0.boundBytes).toBe(800 + 400); // x bound twice (two inputs) and y
      expect(b.stats.readBytes - s0.readBytes).toBe(400);
      expect(b.stats.uploadBytes - s0.uploadBytes).toBeGreaterThanOrEqual(400 + 16); // the tensor and the dispatch's uniforms
      x.dispose(); y.dispose();
    });
  });

  it('matMul at tile edges matches the CPU', async () => {
    for (const [m, k, n] of [[1, 1, 1], [7, 65, 3], [65, 17, 33], [16, 16, 16]]) {
      const r = await onBoth(() => {
        const a = randomUniform([2, m!, k!], -1, 1, { seed: 1 }), bb = randomUniform([1, k!, n!], -1, 1, { seed: 2 });
        return matMul(a, bb);
      });
      r.cpu.forEach((v, i) => expect(Math.abs(v - r.gpu[i]!)).toBeLessThan(1e-4 + 1e-4 * Math.abs(v)));
    }
  });
});
