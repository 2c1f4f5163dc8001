/**
 * The conformance suite must be able to fail: each test installs the CPU kernels under another
 * backend name with one realistic bug, runs that kernel's cases and expects at least one to fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { broadcastShapes, getBackend, setBackend, type Backend, type TensorInfo } from '../src/index.js';
import { binaryImpl, cpuKernels, CpuBackend, registerKernels, unregisterKernel, type KernelConfig } from '../src/backend-entry.js';
import { conformanceCases } from '../src/testing/index.js';

const NAME = 'cpu-mutant';
type Run = KernelConfig<string, CpuBackend>['run'];

/** A CPU backend named `cpu-mutant` whose kernel `kernel` is replaced by `mutate(original)`. */
function mutantBackend(kernel: string, mutate: (original: Run) => Run): Backend {
  const backend = new CpuBackend();
  Object.defineProperty(backend, 'name', { value: NAME });
  registerKernels(cpuKernels.map((k) => ({
    name: k.name,
    backend: NAME,
    run: k.name === kernel ? mutate(k.run) : k.run,
  })) as KernelConfig<string, never>[]);
  return backend;
}

/** Runs every conformance case of `kernel` on `backend`; returns the failure messages. */
async function failures(kernel: string, backend: Backend): Promise<string[]> {
  const previous = getBackend();
  setBackend(backend);
  const errors: string[] = [];
  try {
    for (const c of conformanceCases().filter((x) => x.kernel === kernel)) {
      await c.run().catch((e: Error) => errors.push(`${c.title}: ${e.message}`));
    }
  } finally {
    setBackend(previous);
  }
  return errors;
}

/** Rewrites the first output's values in place. */
const editOutput = (original: Run, edit: (v: Float32Array | Int32Array | Uint8Array | Float64Array, args: Parameters<Run>[0]) => void): Run =>
  (args) => {
    const outs = original(args);
    edit(args.backend.values(outs[0]!.dataId), args);
    return outs;
  };

afterEach(() => {
  for (const k of cpuKernels) unregisterKernel(NAME, k.name);
});

describe('conformance suite catches broken kernels', () => {
  it('Add off by 1e-3 in element 64 (only sizes > 64 see it)', async () => {
    const errs = await failures('Add', mutantBackend('Add', (run) => editOutput(run, (v) => {
      if (v.length > 64) v[64] = v[64]! + 1e-3;
    })));
    expect(errs.some((e) => e.startsWith('size 65:') && e.includes('worst at index 64'))).toBe(true);
    expect(errs.some((e) => e.startsWith('size 64:'))).toBe(false);
  });

  it('Tanh computed naively as (e^2x − 1)/(e^2x + 1): NaN for large |x|', async () => {
    const naive: Run = (args) => {
      const outs = cpuKernels.find((k) => k.name === 'Tanh')!.run(args);
      const x = args.backend.values(args.inputs[0]!.dataId), v = args.backend.values(outs[0]!.dataId);
      for (let i = 0; i < v.length; i++) v[i] = (Math.exp(2 * x[i]!) - 1) / (Math.exp(2 * x[i]!) + 1);
      return outs;
    };
    const errs = await failures('Tanh', mutantBackend('Tanh', () => naive));
    expect(errs.some((e) => e.startsWith('large |x|'))).toBe(true);
  });

  it('Maximum that drops a NaN in its first operand', async () => {
    const nanDroppingMax: Run = ({ inputs: [a, b], backend }) => {
      const shape = broadcastShapes('maximum', a!.shape, b!.shape);
      const out = new Float32Array(shape.reduce((x, y) => x * y, 1));
      binaryImpl(backend.values(a!.dataId), a!.shape, backend.values(b!.dataId), b!.shape, shape, (x, y) => (x > y ? x : y), out);
      return [backend.out(out, shape, a!.dtype)];
    };
    const errs = await failures('Maximum', mutantBackend('Maximum', () => nanDroppingMax));
    expect(errs.some((e) => e.startsWith('NaN and ±Inf propagation'))).toBe(true);
  });

  it('Sum that only handles trailing axes', async () => {
    const errs = await failures('Sum', mutantBackend('Sum', (run) => (args) => {
      const { axes } = args.attrs as { axes: number[] };
      const rank = args.inputs[0]!.shape.length;
      const trailing = axes.every((a, i) => a === rank - axes.length + i);
      const outs = run(args);
      if (!trailing) args.backend.values(outs[0]!.dataId).fill(0);
      return outs;
    }));
    expect(errs.some((e) => e.includes('axes [0]'))).toBe(true);
  });

  it('Transpose that applies the inverse permutation', async () => {
    const errs = await failures('Transpose', mutantBackend('Transpose', (run) => (args) => {
      const perm = (args.attrs as { perm: number[] }).perm;
      const inv = perm.map((_, i) => perm.indexOf(i));
      return run({ ...args, attrs: { perm: inv } as never });
    }));
    expect(errs.some((e) => e.includes('perm [1,2,0]'))).toBe(true);
  });

  it('ScatterAdd where the last repeated index overwrites instead of accumulating', async () => {
    const overwrite: Run = ({ inputs: [u, ids], attrs, backend }) => {
      const { shape, axis } = attrs as { shape: number[]; axis: number };
      const uv = backend.values(u!.dataId), iv = backend.values(ids!.dataId);
      const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1), outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
      const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < iv.length; j++) {
          for (let i = 0; i < inner; i++) out[(o * shape[axis]! + iv[j]!) * inner + i] = uv[(o * iv.length + j) * inner + i]!;
        }
      }
      return [backend.out(out, shape, 'float32') as TensorInfo];
    };
    const errs = await failures('ScatterAdd', mutantBackend('ScatterAdd', () => overwrite));
    expect(errs.some((e) => e.includes('repeat'))).toBe(true);
  });

  it('BatchMatMul that ignores transposeB when transposeA is set', async () => {
    const errs = await failures('BatchMatMul', mutantBackend('BatchMatMul', (run) => (args) => {
      const a = args.attrs as { transposeA: boolean; transposeB: boolean };
      if (!a.transposeA || !a.transposeB) return run(args);
      // Reads B as if it were not transposed (same element count, wrong layout).
      const [bb, r, c] = args.inputs[1]!.shape as [number, number, number];
      const b = { ...args.inputs[1]!, shape: [bb, c, r] };
      return run({ ...args, inputs: [args.inputs[0]!, b], attrs: { transposeA: true, transposeB: false } as never });
    }));
    // Only the cases with both flags set may fail, and some of them must.
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.filter((e) => !/^\[[\d,]+\]ᵀ x \[[\d,]+\]ᵀ:/.test(e))).toEqual([]);
  });

  it('RandomUniform that ignores the stream offset', async () => {
    const errs = await failures('RandomUniform', mutantBackend('RandomUniform', (run) => (args) =>
      run({ ...args, attrs: { ...(args.attrs as object), offset: 0 } as never })));
    expect(errs.some((e) => e.startsWith('global stream'))).toBe(true);
  });

  it('ArgMax where the last of tied maxima wins', async () => {
    const errs = await failures('ArgMax', mutantBackend('ArgMax', (run) => editOutput(run, (v, { inputs: [x], attrs, backend }) => {
      const { axis } = attrs as { axis: number };
      const xs = backend.values(x!.dataId), shape = x!.shape;
      const n = shape[axis]!, inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      for (let o = 0; o < v.length; o++) {
        const base = Math.floor(o / inner) * n * inner + (o % inner);
        for (let j = 0; j < n; j++) if (xs[base + j * inner] === xs[base + v[o]! * inner]) v[o] = j;
      }
    })));
    expect(errs.some((e) => e.includes('ties'))).toBe(true);
  });
});
