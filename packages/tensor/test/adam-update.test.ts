/**
 * The fused `AdamUpdate` kernel and the `adamUpdate` op: bit-level parity with PyTorch 1.13
 * (fixture), the kernel against the composite reference path over several steps (float32 and
 * float64, L2 decay, AdamW, amsgrad), the composite fallback on a backend without the kernel,
 * errors, and mutants the conformance cases must catch.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { adamUpdate, dispose, getBackend, memory, setBackend, tensor, zeros, type AdamState, type AdamUpdateOptions, type Backend, type DType, type Tensor } from '../src/index.js';
import { cpuKernels, CpuBackend, registerKernels, unregisterKernel, type KernelConfig } from '../src/backend-entry.js';
import { adamUpdateComposite } from '../src/ops/optim.js';
import { conformanceCases } from '../src/testing/index.js';

interface FxStep { param: number[]; exp_avg: number[]; exp_avg_sq: number[]; max_exp_avg_sq?: number[] }
interface FxCase { optimizer: 'Adam' | 'AdamW'; opts: { lr: number; betas?: [number, number]; eps?: number; weight_decay?: number; amsgrad?: boolean }; steps: FxStep[] }
const fx = JSON.parse(readFileSync(new URL('./fixtures/adam_update.json', import.meta.url), 'utf8')) as {
  n: number; p0: number[]; grads: number[][]; cases: FxCase[];
};

/** Distance in float32 units in the last place (same sign assumed; 0 for identical values). */
function ulps(a: number, b: number): number {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  const i = new Int32Array(Float32Array.of(a, b).buffer);
  return Math.abs(i[0]! - i[1]!);
}

/** Runs `steps` updates from `p0` with the given gradients; returns every step's tensors (caller frees). */
function runSteps(update: typeof adamUpdate, p0: Tensor, grads: Tensor[], opts: Omit<AdamUpdateOptions, 'step'>): (AdamState & { param: Tensor })[] {
  const out: (AdamState & { param: Tensor })[] = [];
  let p = p0, state: AdamState = {};
  grads.forEach((g, s) => {
    const r = update(p, g, state, { ...opts, step: s + 1 });
    out.push(r);
    p = r.param;
    state = { expAvg: r.expAvg, expAvgSq: r.expAvgSq, ...(r.maxExpAvgSq ? { maxExpAvgSq: r.maxExpAvgSq } : {}) };
  });
  return out;
}

const fieldsOf = (r: AdamState & { param: Tensor }): Tensor[] => [r.param, r.expAvg!, r.expAvgSq!, ...(r.maxExpAvgSq ? [r.maxExpAvgSq] : [])];

describe('adamUpdate vs PyTorch 1.13 (float32 fixture)', () => {
  for (const c of fx.cases) {
    // The kernel emulates the FMAs of torch's AVX2 build, so it agrees bit for bit (≤ 1 ulp is the contract).
    it(`${c.optimizer} ${JSON.stringify(c.opts)}: four steps, bit for bit`, () => {
      const before = memory().tensors;
      const p0 = tensor(Float32Array.from(fx.p0), [fx.n]);
      const grads = fx.grads.map((g) => tensor(Float32Array.from(g), [fx.n]));
      const o = c.opts;
      const steps = runSteps(adamUpdate, p0, grads, {
        lr: o.lr, beta1: o.betas?.[0], beta2: o.betas?.[1], eps: o.eps, weightDecay: o.weight_decay ?? (c.optimizer === 'AdamW' ? 0.01 : 0),
        decoupled: c.optimizer === 'AdamW', amsgrad: o.amsgrad,
      });
      let worst = 0, differing = 0;
      steps.forEach((r, s) => {
        const want = c.steps[s]!;
        const pairs: Array<[Tensor | undefined, number[] | undefined]> = [
          [r.param, want.param], [r.expAvg, want.exp_avg], [r.expAvgSq, want.exp_avg_sq], [r.maxExpAvgSq, want.max_exp_avg_sq],
        ];
        for (const [t, w] of pairs) {
          expect(t === undefined, `step ${s + 1}: output presence`).toBe(w === undefined);
          if (!t || !w) continue;
          const got = t.dataSync(), ref = Float32Array.from(w);
          for (let i = 0; i < fx.n; i++) {
            const d = ulps(got[i]!, ref[i]!);
            worst = Math.max(worst, d);
            if (d) differing++;
          }
        }
      });
      expect(worst, `${differing} values differ`).toBe(0);
      dispose([p0, ...grads, ...steps.flatMap(fieldsOf)]);
      expect(memory().tensors).toBe(before);
    });
  }
});

/** Deterministic normal-ish values (sum of uniforms), scaled. */
function noise(n: number, seed: number, scale: number): number[] {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => scale * (u() + u() + u() - 1.5));
}

const VARIANTS: Array<[string, Omit<AdamUpdateOptions, 'step'>]> = [
  ['Adam', { lr: 1e-3 }],
  ['Adam, L2 weight decay', { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1 }],
  ['AdamW', { lr: 0.01, weightDecay: 0.05, decoupled: true }],
  ['Adam, amsgrad', { lr: 0.01, amsgrad: true }],
  ['AdamW, amsgrad', { lr: 0.02, weightDecay: 0.1, decoupled: true, amsgrad: true, eps: 1e-4 }],
];

describe('AdamUpdate kernel vs the composite path', () => {
  const n = 1031, STEPS = 6;
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const [name, opts] of VARIANTS) {
      it(`${name} (${dtype}), ${STEPS} steps`, () => {
        const before = memory().tensors;
        const p0 = tensor(noise(n, 1, 2), [n], dtype);
        // Gradients shrink and change sign across steps, so amsgrad's maximum switches sides.
        const grads = Array.from({ length: STEPS }, (_, s) => tensor(noise(n, 10 + s, 1 / (1 + s)), [n], dtype));
        const fused = runSteps(adamUpdate, p0, grads, opts);
        const ref = runSteps(adamUpdateComposite, p0, grads, opts);
        // float64: rounding only; float32: the kernel's fused multiply-adds against separate roundings.
        const [atol, rtol] = dtype === 'float64' ? [1e-15, 1e-12] : [1e-7, 2e-6];
        fused.forEach((r, s) => {
          const a = fieldsOf(r), b = fieldsOf(ref[s]!);
          expect(a.length).toBe(b.length);
          a.forEach((t, k) => {
            expect(t.dtype).toBe(dtype);
            const x = t.dataSync(), y = b[k]!.dataSync();
            let bad = -1;
            for (let i = 0; i < n && bad < 0; i++) if (!(Math.abs(x[i]! - y[i]!) <= atol + rtol * Math.abs(y[i]!))) bad = i;
            expect(bad, `step ${s + 1} output ${k}: ${bad >= 0 ? `${x[bad]} vs ${y[bad]}` : ''}`).toBe(-1);
          });
          // The update moved the parameter (a kernel that returned its input would pass the above only if the composite did too).
          if (s === 0) expect(a[0]!.dataSync()[0]).not.toBe(p0.dataSync()[0]);
        });
        dispose([p0, ...grads, ...fused.flatMap(fieldsOf), ...ref.flatMap(fieldsOf)]);
        expect(memory().tensors).toBe(before);
      });
    }
  }
});

/** A CPU backend named `name` with the CPU kernels, `AdamUpdate` replaced or removed. */
function variantBackend(name: string, adam?: KernelConfig<string, CpuBackend>['run']): Backend {
  const backend = new CpuBackend();
  Object.defineProperty(backend, 'name', { value: name });
  registerKernels(cpuKernels
    .filter((k) => adam || k.name !== 'AdamUpdate')
    .map((k) => ({ name: k.name, backend: name, run: k.name === 'AdamUpdate' ? adam! : k.run })) as KernelConfig<string, never>[]);
  return backend;
}

describe('backends without the kernel, and broken kernels', () => {
  const names: string[] = [];
  const previous = getBackend();
  afterEach(() => {
    setBackend(previous);
    for (const n of names) for (const k of cpuKernels) unregisterKernel(n, k.name);
  });

  it('adamUpdate falls back to the composite path', () => {
    names.push('cpu-no-adam');
    const p = tensor([0.5, -1, 2]), g = tensor([0.1, 0.2, -0.3]);
    const want = adamUpdateComposite(p, g, {}, { lr: 0.1, step: 1, amsgrad: true });
    const wantData = fieldsOf(want).map((t) => Array.from(t.dataSync()));
    setBackend(variantBackend('cpu-no-adam'));
    const p2 = tensor([0.5, -1, 2]), g2 = tensor([0.1, 0.2, -0.3]);
    const got = adamUpdate(p2, g2, {}, { lr: 0.1, step: 1, amsgrad: true });
    expect(fieldsOf(got).map((t) => Array.from(t.dataSync()))).toEqual(wantData);
    // First step from zero state: p moves by lr against the gradient's sign (m̂/√v̂ = ±1).
    expect(wantData[0]![0]).toBeCloseTo(0.4, 6);
    dispose([p2, g2, ...fieldsOf(got)]);
    setBackend(previous);
    dispose([p, g, ...fieldsOf(want)]);
  });

  const adamRun = cpuKernels.find((k) => k.name === 'AdamUpdate')!.run;
  const MUTANTS: Array<[string, KernelConfig<string, CpuBackend>['run']]> = [
    ['bias correction of the wrong step', (a) => adamRun({ ...a, attrs: { ...a.attrs, step: (a.attrs as unknown as AdamUpdateOptions).step + 1 } as never })],
    ['eps ignored', (a) => adamRun({ ...a, attrs: { ...a.attrs, eps: 0 } as never })],
    ['decay mode swapped', (a) => adamRun({ ...a, attrs: { ...a.attrs, decoupled: !(a.attrs as unknown as AdamUpdateOptions).decoupled } as never })],
    ['expAvg and expAvgSq outputs swapped', (a) => { const o = adamRun(a); return [o[0]!, o[2]!, o[1]!, ...o.slice(3)]; }],
  ];
  for (const [title, run] of MUTANTS) {
    it(`the conformance cases catch a kernel with ${title}`, async () => {
      const name = `cpu-adam-mutant-${names.length}`;
      names.push(name);
      setBackend(variantBackend(name, run));
      const failed: string[] = [];
      for (const c of conformanceCases().filter((x) => x.kernel === 'AdamUpdate')) await c.run().catch(() => failed.push(c.title));
      expect(failed.length, title).toBeGreaterThan(0);
    });
  }
});

describe('adamUpdate errors', () => {
  const opts = { lr: 0.1, step: 1 };
  function expectThrow(fn: (p: Tensor, g: Tensor) => unknown, message: string, shapes: [number[], number[]] = [[2, 3], [2, 3]], dtypes: [DType, DType] = ['float32', 'float32']): void {
    const p = zeros(shapes[0], dtypes[0]), g = zeros(shapes[1], dtypes[1]);
    try {
      expect(() => fn(p, g)).toThrow(message);
    } finally {
      dispose([p, g]);
    }
  }

  it('shapes and dtypes', () => {
    expectThrow((p, g) => adamUpdate(p, g, {}, opts), 'adamUpdate: grad is float32 [3,2], param is float32 [2,3] (they must match)', [[2, 3], [3, 2]]);
    expectThrow((p, g) => adamUpdate(p, g, {}, opts), 'adamUpdate: grad is float64 [2,3], param is float32 [2,3] (they must match)', [[2, 3], [2, 3]], ['float32', 'float64']);
    expectThrow((p, g) => adamUpdate(p, g, {}, opts), 'adamUpdate: param must be float32 or float64, got int32 [2,3]', [[2, 3], [2, 3]], ['int32', 'int32']);
    expectThrow((p, g) => adamUpdate(p, p, { expAvg: g, expAvgSq: p }, opts), 'adamUpdate: expAvg is float32 [6], param is float32 [2,3] (they must match)', [[2, 3], [6]]);
    expectThrow((p, g) => adamUpdate(p, g, { maxExpAvgSq: g }, opts), 'adamUpdate: maxExpAvgSq [2,3] given without amsgrad');
    const odd = zeros([3, 2]);
    expectThrow((p, g) => adamUpdate(p, g, { expAvg: g, expAvgSq: g, maxExpAvgSq: odd }, { ...opts, amsgrad: true }),
      'adamUpdate: maxExpAvgSq is float32 [3,2], param is float32 [2,3] (they must match)');
    odd.dispose();
  });

  it('hyperparameters', () => {
    const cases: Array<[Partial<AdamUpdateOptions>, string]> = [
      [{ lr: NaN }, 'adamUpdate: lr must be a finite number ≥ 0, got NaN'],
      [{ lr: -1 }, 'adamUpdate: lr must be a finite number ≥ 0, got -1'],
      [{ eps: Infinity }, 'adamUpdate: eps must be a finite number ≥ 0, got Infinity'],
      [{ weightDecay: -0.1 }, 'adamUpdate: weightDecay must be a finite number ≥ 0, got -0.1'],
      [{ beta1: 1 }, 'adamUpdate: beta1 must be in [0, 1), got 1'],
      [{ beta2: NaN }, 'adamUpdate: beta2 must be in [0, 1), got NaN'],
      [{ step: 0 }, 'adamUpdate: step must be an integer ≥ 1, got 0'],
      [{ step: 1.5 }, 'adamUpdate: step must be an integer ≥ 1, got 1.5'],
    ];
    for (const [bad, message] of cases) expectThrow((p, g) => adamUpdate(p, g, {}, { ...opts, ...bad }), message);
  });

  it('nothing leaks when a check fails after zeros were made', () => {
    const before = memory().tensors;
    const odd = zeros([3]);
    // expAvg is absent (zeros are made for it) when the expAvgSq check fails.
    expectThrow((p, g) => adamUpdate(p, g, { expAvgSq: odd }, opts), 'adamUpdate: expAvgSq is float32 [3], param is float32 [2,3] (they must match)');
    odd.dispose();
    expect(memory().tensors).toBe(before);
  });
});
