/**
 * One conformance suite for every backend: each primitive kernel (and the optional fused
 * `AdamUpdate`) against an independent float64 reference, reading results only with
 * `await t.data()` so asynchronous backends run it unchanged.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../backend.js';
import { getBackend, setBackend } from '../../engine-api.js';
import { PRIMITIVE_KERNELS } from '../../kernel-names.js';
import { listMissingKernels } from '../../registry.js';
import { expectNoLeaks, trackLeaks, type LeakSnapshot } from '../leaks.js';
import { creationCases } from './creation-cases.js';
import { elementwiseCases } from './elementwise-cases.js';
import type { ConformanceCase } from './harness.js';
import { movementCases } from './movement-cases.js';
import { optimCases } from './optim-cases.js';
import { reduceMatMulCases } from './reduce-matmul-cases.js';

export type { ConformanceCase, Tolerance } from './harness.js';

export interface ConformanceOptions {
  /**
   * Kernels or single cases to skip, each with the reason: keys are a kernel name (`'Pow'`) or
   * `'Kernel: case title'` as printed by the suite (`'Pow: NaN and ±Inf propagation'`).
   */
  skip?: Record<string, string>;
}

/** Every case of the suite, grouped by kernel (also used to list the valid skip keys). */
export function conformanceCases(): ConformanceCase[] {
  return [...elementwiseCases(), ...reduceMatMulCases(), ...movementCases(), ...creationCases(), ...optimCases()];
}

/**
 * Registers the conformance suite for a backend with vitest. The backend is created and made
 * active in `beforeAll` and the previous one restored in `afterAll`; every case also checks that
 * no tensor or buffer leaked.
 *
 * @example
 * // packages/tensor/test/conformance-cpu.test.ts
 * runConformance('cpu', () => createCpuBackend());
 * // a WebGPU test file
 * runConformance('webgpu', () => createWebGPUBackend(), { skip: { Pow: 'not implemented yet' } });
 */
export function runConformance(
  name: string, makeBackend: () => Backend | Promise<Backend>, opts: ConformanceOptions = {},
): void {
  const skip = opts.skip ?? {};
  const cases = conformanceCases();
  const byKernel = new Map<string, ConformanceCase[]>();
  for (const c of cases) byKernel.set(c.kernel, [...(byKernel.get(c.kernel) ?? []), c]);

  describe(`conformance: ${name}`, () => {
    let previous: Backend | undefined;
    let backend: Backend | undefined;
    let snapshot: LeakSnapshot | undefined;

    beforeAll(async () => {
      previous = getBackend();
      backend = await makeBackend();
      setBackend(backend);
    });
    afterAll(() => {
      if (previous) setBackend(previous);
    });
    beforeEach(() => {
      snapshot = trackLeaks();
    });
    afterEach((ctx) => {
      if (snapshot && ctx.task.result?.state !== 'fail') expectNoLeaks(snapshot, `conformance ${name}: ${ctx.task.name}`);
      snapshot = undefined;
    });

    it('has cases for every primitive kernel', () => {
      expect(PRIMITIVE_KERNELS.filter((k) => !byKernel.has(k))).toEqual([]);
    });
    it('skips only kernels and cases that exist, each with a reason', () => {
      const valid = new Set([...byKernel.keys(), ...cases.map((c) => `${c.kernel}: ${c.title}`)]);
      expect(Object.keys(skip).filter((k) => !valid.has(k))).toEqual([]);
      expect(Object.entries(skip).filter(([, why]) => !why.trim()).map(([k]) => k)).toEqual([]);
    });
    it('lists every kernel the backend lacks in skip', () => {
      const missing = listMissingKernels(backend!.name, PRIMITIVE_KERNELS);
      expect(missing.filter((k) => !(k in skip))).toEqual([]);
    });

    for (const [kernel, list] of byKernel) {
      describe(kernel, () => {
        for (const c of list) {
          const reason = skip[kernel] ?? skip[`${kernel}: ${c.title}`];
          if (reason !== undefined) it.skip(`${c.title} (skipped: ${reason})`, () => {});
          else it(c.title, c.run);
        }
      });
    }
  });
}
