/**
 * The fused kernels' cost on WebGPU: W_hhᵀ is packed once per weight version (a changed weight —
 * an optimizer step's output, or new storage that got the old weight's pooled GPU buffer — is
 * packed again, and the packed copy is freed with its weight); a step binds its own time rows, not
 * whole sequences; one dispatch per time step forward and backward; and the step kernels on a
 * device that allows only 32 threads per workgroup.
 */
import { describe, expect, it } from 'vitest';
import { adamUpdate, memory, runKernel, setBackend, tensor, type Tensor } from '../../src/index.js';
import { poolSize } from '../../src/webgpu/backend.js';
import type { WebGPUBackend } from '../../src/webgpu/index.js';
import { cotangents, gatesOf, makeCase, maskOf, reference, worst, type Kind } from '../fused-reference.js';
import { gradFields, runFused } from '../fused-harness.js';
import { runFusedAsync } from './fused-async.js';
import { cpu, freshWebgpu, webgpu } from './gpu.js';

/** Runs `fn` on `b` and checks that no tensor and no packed buffer is left behind. */
async function onGpu(b: WebGPUBackend, fn: () => Promise<void>): Promise<void> {
  setBackend(b);
  const tensors = memory().tensors;
  const derived = b.memory().derivedBytes;
  try {
    await fn();
    expect(memory().tensors).toBe(tensors);
    expect(b.memory().derivedBytes).toBe(derived);
  } finally {
    setBackend(cpu);
  }
}

describe('fused recurrent kernels on WebGPU: packing and dispatches', () => {
  it('packs W_hhᵀ once per weight version and again when the weight changes', async () => {
    const b = await webgpu();
    const c = makeCase('lstm', 5, 3, 7, [5, 3, 2], 11);
    const { T, B, H } = c;
    const G = 4 * H;
    const changed = makeCase('lstm', T, B, H, c.lengths, 12).wHh;
    await onGpu(b, async () => {
      const x = tensor(c.xProj, [T, B, G]), h0 = tensor(c.h0, [B, H]), c0 = tensor(c.c0, [B, H]);
      const mask = tensor(maskOf(c), [T, B]);
      /** y and the dispatches of one forward call. */
      const forward = async (w: Tensor) => {
        const d0 = b.stats.dispatches, bytes0 = b.stats.boundBytes;
        const out = runKernel('LSTMSequence', [x, w, h0, c0, mask]);
        try {
          const bound = b.stats.boundBytes - bytes0;
          return { y: Float64Array.from(await out[0]!.data()), dispatches: b.stats.dispatches - d0, bound };
        } finally {
          for (const t of out) t.dispose();
        }
      };
      const base = b.memory().derivedBytes;
      const w1 = tensor(c.wHh, [G, H]);
      const first = await forward(w1);
      expect(first.dispatches).toBe(T + 1); // T steps + the pack
      expect(worst(first.y, reference(c).y, 2e-5, 1e-4)).toBeLessThanOrEqual(1);
      expect(b.memory().derivedBytes - base).toBe(G * H * 4);
      const again = await forward(w1);
      expect(again.dispatches).toBe(T); // the packed copy is reused
      expect(again.y).toEqual(first.y);
      // Each step binds the weights and the state whole, and only its own time row of xProj, mask,
      // y, gates and cells (from an offset rounded down to the device's alignment).
      const whole = poolSize(G * H * 4) + poolSize(2 * B * H * 4) + poolSize(B * H * 4);
      const rows = (2 * B * G + 2 * B * H + B) * 4;
      expect(again.bound).toBeGreaterThanOrEqual(T * (whole + rows));
      expect(again.bound).toBeLessThanOrEqual(T * (whole + rows + 5 * (b.limits.minStorageBufferOffsetAlignment - 4)));

      // An optimizer step returns a new weight: packed again, results follow the new values.
      const grad = tensor(changed, [G, H]);
      const step = adamUpdate(w1, grad, {}, { lr: 0.05, step: 1 });
      const stepped = await forward(step.param);
      expect(stepped.dispatches).toBe(T + 1);
      const steppedRef = reference({ ...c, wHh: Array.from(await step.param.data()) }).y;
      expect(worst(stepped.y, steppedRef, 2e-5, 1e-4)).toBeLessThanOrEqual(1);
      expect(b.memory().derivedBytes - base).toBe(2 * G * H * 4);
      for (const t of [step.param, step.expAvg, step.expAvgSq, grad]) t.dispose();

      // Freeing a weight frees its packed copy; new storage that reuses the old GPU buffer is packed again.
      const oldBuffer = b.buffer(w1.dataId);
      w1.dispose();
      expect(b.memory().derivedBytes).toBe(base);
      const w2 = tensor(changed, [G, H]);
      expect(b.buffer(w2.dataId)).toBe(oldBuffer);
      const second = await forward(w2);
      expect(second.dispatches).toBe(T + 1);
      expect(worst(second.y, reference({ ...c, wHh: changed }).y, 2e-5, 1e-4)).toBeLessThanOrEqual(1);
      for (const t of [w2, x, h0, c0, mask]) t.dispose();
    });
  });

  it('adds one dispatch per time step to the forward and to the backward', async () => {
    const b = await webgpu();
    await onGpu(b, async () => {
      for (const kind of ['lstm', 'gru', 'rnn-tanh'] as Kind[]) {
        const count = async (T: number) => {
          const c = makeCase(kind, T, 3, 5, [T, T, 1], 4);
          const u = cotangents(c, 5);
          const d0 = b.stats.dispatches;
          await runFusedAsync(c, u, 'float32');
          return b.stats.dispatches - d0;
        };
        // Each call makes a new weight, so both pay the one pack; the matmuls and copies are the same.
        expect(await count(8) - await count(4), kind).toBe(2 * 4);
      }
    });
  });

  it('step kernels on a device allowing only 32 threads per workgroup match the CPU (float64)', async () => {
    const small = await freshWebgpu({ limits: { maxComputeInvocationsPerWorkgroup: 32 } });
    try {
      await onGpu(small, async () => {
        for (const kind of ['lstm', 'gru', 'rnn-tanh', 'rnn-relu'] as Kind[]) {
          const c = makeCase(kind, 4, 5, 37, [4, 3, 0, 1, 4], 21);
          expect(gatesOf(kind) * c.H).toBeGreaterThan(32);
          const u = cotangents(c, 9);
          setBackend(cpu);
          const ref = runFused(c, u, 'float64');
          setBackend(small);
          const got = await runFusedAsync(c, u, 'float32');
          ref.forward.forEach((v, i) => expect(worst(got.forward[i]!, v, 2e-5, 1e-4), `${kind} output ${i}`).toBeLessThanOrEqual(1));
          for (const f of gradFields(c)) expect(worst(got.grads[f]!, ref.grads[f]!, 1e-4, 1e-3), `${kind} d${f}`).toBeLessThanOrEqual(1);
        }
      });
    } finally {
      small.dispose();
    }
  });
});
