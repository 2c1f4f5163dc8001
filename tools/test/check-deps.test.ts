import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { check } from '../check-deps.mjs';

let dirs: string[] = [];
function workspace(pkgs: Record<string, { deps?: string[]; files?: Record<string, string> }>): string {
  const root = mkdtempSync(join(tmpdir(), 'recur-deps-'));
  dirs.push(root);
  for (const [path, spec] of Object.entries(pkgs)) {
    const dir = join(root, path);
    mkdirSync(join(dir, 'src'), { recursive: true });
    const name = `@recur/${path.split('/')[1]}`;
    const dependencies = Object.fromEntries((spec.deps ?? []).map((d) => [d, 'workspace:*']));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, dependencies }));
    for (const [f, text] of Object.entries(spec.files ?? { 'index.ts': '' })) writeFileSync(join(dir, 'src', f), text);
  }
  return root;
}
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('check-deps', () => {
  it('passes on the real repository', () => {
    expect(check().errors).toEqual([]);
  });
  it('accepts the allowed direction', () => {
    const root = workspace({
      'packages/tensor': {},
      'packages/autograd': { deps: ['@recur/tensor'], files: { 'a.ts': "import { add } from '@recur/tensor';" } },
    });
    expect(check(root).errors).toEqual([]);
  });
  it('flags tensor importing another internal package', () => {
    const root = workspace({ 'packages/tensor': { deps: ['@recur/autograd'] }, 'packages/autograd': { deps: [] } });
    expect(check(root).errors.join()).toMatch(/@recur\/tensor may not depend on @recur\/autograd/);
  });
  it('flags a package importing an app', () => {
    const root = workspace({ 'packages/text': { deps: ['@recur/cli'] }, 'apps/cli': {} });
    expect(check(root).errors.join()).toMatch(/depends on app @recur\/cli/);
  });
  it('flags deep imports into src and undeclared imports', () => {
    const root = workspace({
      'packages/tensor': {},
      'packages/text': { deps: ['@recur/tensor'], files: { 'x.ts': "import { a } from '@recur/tensor/src/ops';\nimport '@recur/recurrent';" } },
      'packages/recurrent': {},
    });
    const errs = check(root).errors.join('\n');
    expect(errs).toMatch(/packages\/text\/src\/x\.ts:1: deep import/);
    expect(errs).toMatch(/x\.ts:2: imports @recur\/recurrent but @recur\/text does not declare it/);
  });
  it('flags relative imports that leave the package', () => {
    const root = workspace({ 'packages/tensor': {}, 'packages/text': { files: { 'y.ts': "import '../../tensor/src/index.js';" } } });
    expect(check(root).errors.join()).toMatch(/leaves package @recur\/text/);
  });
  it('flags the tensor core importing a backend, not the backends or the entry', () => {
    const root = workspace({
      'packages/tensor': {
        files: {
          'engine.ts': "import { createCpuBackend } from './cpu/index.js';",
          'index.ts': "export * from './cpu/index.js';",
          'default-backend.ts': "import { createCpuBackend } from './cpu/index.js';",
        },
      },
    });
    mkdirSync(join(root, 'packages/tensor/src/ops'), { recursive: true });
    writeFileSync(join(root, 'packages/tensor/src/ops/x.ts'), "import { WebGPUBackend } from '../webgpu/backend.js';");
    mkdirSync(join(root, 'packages/tensor/src/cpu'), { recursive: true });
    writeFileSync(join(root, 'packages/tensor/src/cpu/k.ts'), "import { ENGINE } from '../engine.js';\nimport { p } from './pool.js';");
    const errs = [...check(root).errors].sort();
    expect(errs).toEqual([
      "packages/tensor/src/engine.ts:1: the tensor core imports a backend ('./cpu/index.js'); register backends from the entry",
      "packages/tensor/src/ops/x.ts:1: the tensor core imports a backend ('../webgpu/backend.js'); register backends from the entry",
    ]);
  });
  it('flags cycles', () => {
    const root = workspace({ 'apps/a': { deps: ['@recur/b'] }, 'apps/b': { deps: ['@recur/a'] } });
    expect(check(root).errors.join()).toMatch(/dependency cycle: @recur\/a -> @recur\/b -> @recur\/a/);
  });
});
