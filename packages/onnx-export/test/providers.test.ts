/**
 * Execution providers: WebGPU (onnxruntime-node's built-in EP on SwiftShader, VK_ICD_FILENAMES set
 * in vitest.config.ts) agrees with Recur and really places the recurrent nodes on the GPU EP;
 * CUDA, absent here, is tried and falls back to the CPU with a one-line note.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GRU, LSTM, type RecurrentBase } from '@recur/recurrent';
import { dispose, memory, randomNormal } from '@recur/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/index.js';
import { createSession, verifyOnnx } from '../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'recur-onnx-providers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configs: Array<{ name: string; make: () => RecurrentBase; batchFirst: boolean; lengths: number[] }> = [
  { name: 'LSTM 2 layers bidirectional, batch-first, unequal lengths', make: () => new LSTM({ inputSize: 4, hiddenSize: 3, numLayers: 2, bidirectional: true, batchFirst: true, seed: 3 }), batchFirst: true, lengths: [5, 1, 3] },
  { name: 'GRU 1 layer, time-major, equal lengths', make: () => new GRU({ inputSize: 4, hiddenSize: 3, seed: 4 }), batchFirst: false, lengths: [5, 5, 5] },
];

describe('WebGPU execution provider (SwiftShader)', () => {
  it.each(configs)('$name matches Recur within 1e-5', async ({ make, batchFirst, lengths }) => {
    const before = memory().tensors;
    const m = make().eval();
    const x = randomNormal(batchFirst ? [3, 5, 4] : [5, 3, 4], 0, 1, { seed: 9 });
    const { bytes } = await exportOnnx(m, { inputs: [x, { lengths }], dynamicAxes: { input: batchFirst ? { 0: 'batch', 1: 'seq' } : { 0: 'seq', 1: 'batch' }, lengths: { 0: 'batch' } } });
    const r = await verifyOnnx(m, bytes, { inputs: [x, { lengths }], provider: 'webgpu' });
    x.dispose();
    m.dispose();
    expect(memory().tensors).toBe(before);
    expect(r.fallbackNote).toBeUndefined();
    expect(r.provider).toBe('webgpu');
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    console.log(`WebGPU EP: max |ORT − Recur| = ${r.maxAbsDiff.toExponential(2)}`);
  });

  it('places every node, LSTM and GRU included, on the WebGPU EP (ORT verbose log)', async () => {
    const files: string[] = [];
    for (const [i, c] of configs.entries()) {
      const m = c.make();
      files.push(join(dir, `m${i}.onnx`));
      const x = randomNormal(c.batchFirst ? [3, 5, 4] : [5, 3, 4], 0, 1, { seed: 9 });
      writeFileSync(files[i]!, (await exportOnnx(m, { inputs: [x] })).bytes);
      x.dispose();
      m.dispose();
    }
    const script = `import * as ort from 'onnxruntime-node';
      for (const f of ${JSON.stringify(files)}) {
        const s = await ort.InferenceSession.create(f, { executionProviders: ['webgpu'], logSeverityLevel: 0 });
        await s.release();
      }`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8', env: process.env, timeout: 60_000 });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const log = run.stdout + run.stderr;
    const placed = log.match(/All nodes placed on \[WebGpuExecutionProvider\]/g) ?? [];
    expect(placed.length, log.split('\n').filter((l) => /placed|Fallback|CPUExecutionProvider/.test(l)).join('\n')).toBe(configs.length);
  });
});

describe('CUDA execution provider', () => {
  it('is tried, and when its libraries are absent the session runs on the CPU with a one-line note', async () => {
    const m = new LSTM({ inputSize: 4, hiddenSize: 3, seed: 5 }).eval();
    const x = randomNormal([5, 2, 4], 0, 1, { seed: 1 });
    const { bytes } = await exportOnnx(m, { inputs: [x, { lengths: [5, 2] }] });
    const h = await createSession(bytes, { provider: 'cuda' });
    const cudaPresent = h.provider === 'cuda';
    if (!cudaPresent) {
      expect(h.provider).toBe('cpu');
      expect(h.fallbackNote).toMatch(/^CUDA execution provider unavailable \(.+\); running on CPU\. To use it, install the CUDA provider with `ONNXRUNTIME_NODE_INSTALL=cuda12`/);
      expect(h.fallbackNote).not.toContain('\n');
    }
    await h.session.release();
    const r = await verifyOnnx(m, bytes, { inputs: [x, { lengths: [5, 2] }], provider: 'cuda' });
    dispose([x]);
    m.dispose();
    expect(r.provider).toBe(cudaPresent ? 'cuda' : 'cpu');
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('rejects unknown providers by name', async () => {
    await expect(createSession(new Uint8Array(), { provider: 'tpu' as never })).rejects.toThrow(/unknown provider 'tpu'/);
  });
});
