/**
 * The core knows no backend: engine, dtype, tensor, registry, shape and the ops import nothing from
 * cpu/ or webgpu/ (the package entry registers the default CPU backend). Kernel registration
 * refuses silent replacement.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type TensorInfo } from '../src/index.js';
import { getKernel, registerKernel, unregisterKernel } from '../src/backend-entry.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
});
/** Everything outside the backends, their tests and the entry and module that wire the default backend. */
const core = files(src).map((p) => relative(src, p)).filter((p) => !/^(cpu|webgpu|testing)\//.test(p) && !['index.ts', 'backend-entry.ts', 'default-backend.ts'].includes(p));

describe('core boundaries', () => {
  it('no core module imports a backend', () => {
    expect(core).toContain('engine.ts');
    expect(core).toContain('dtype.ts');
    expect(core).toContain('ops/elementwise.ts');
    const offenders = core.flatMap((f) => {
      const text = readFileSync(join(src, f), 'utf8');
      return [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!).filter((s) => /(^|\/)(cpu|webgpu)(\/|$)/.test(s)).map((s) => `${f} → ${s}`);
    });
    expect(offenders).toEqual([]);
  });

  it('registering a different kernel under a taken name needs { override: true }; the same config again is a no-op', () => {
    const run = (): TensorInfo[] => [];
    const a = { name: 'Neg', backend: 'boundary-test', run };
    const b = { name: 'Neg', backend: 'boundary-test', run };
    registerKernel(a);
    registerKernel(a);
    expect(() => registerKernel(b)).toThrow("registerKernel: 'Neg' is already registered for backend 'boundary-test'; pass { override: true } to replace it");
    expect(getKernel('boundary-test', 'Neg')).toBe(a);
    registerKernel(b, { override: true });
    expect(getKernel('boundary-test', 'Neg')).toBe(b);
    unregisterKernel('boundary-test', 'Neg');
  });
});

describe('a second copy of the package', () => {
  it('shares the engine and the kernels, and refuses tensors from the other copy by name', async () => {
    const { vi } = await import('vitest');
    const a = await import('../src/index.js');
    const ka = await import('../src/backend-entry.js');
    vi.resetModules();
    const b = await import('../src/index.js');
    const kb = await import('../src/backend-entry.js');
    expect(b.Tensor).not.toBe(a.Tensor); // a real second copy
    expect(kb.getKernel('cpu', 'Add')).toBe(ka.getKernel('cpu', 'Add'));
    const t = a.tensor([1, 2]);
    expect(b.memory().tensors).toBe(a.memory().tensors);
    expect(() => b.add(t, 1)).toThrow(/^add: first operand is a Tensor from another copy of @recur\/tensor: two copies of the package are loaded/);
    expect(() => b.relu({} as never)).toThrow('relu: input must be a Tensor, got object');
    const u = b.tensor([3]);
    const v = u.add(1);
    expect(Array.from(v.dataSync())).toEqual([4]); // each copy works on its own tensors
    b.dispose([t, u, v]);
  });
});
