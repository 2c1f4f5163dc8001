// The main entries of the libraries load in a browser: each is bundled by esbuild for the browser
// platform (no Node built-ins available, so any `node:` import fails the build). The `/node`
// subpaths must fail the same check, which shows the check can fail.
import { join } from 'node:path';
import { build, type BuildFailure } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { repoRoot } from '../packaging/pack.mjs';

const bundle = (entry: string) => build({
  entryPoints: [join(repoRoot, entry)], bundle: true, platform: 'browser', format: 'esm', target: 'es2022',
  write: false, metafile: true, logLevel: 'silent',
  // Resolve the workspace packages to their sources (the same import graph as their dist/).
  conditions: ['@recur/source'],
});

describe('browser bundles', () => {
  for (const pkg of ['tensor', 'autograd', 'recurrent', 'text', 'onnx-export']) {
    it(`@recur/${pkg}: the main entry bundles for the browser`, async () => {
      const r = await bundle(`packages/${pkg}/src/index.ts`);
      const inputs = Object.keys(r.metafile.inputs);
      expect(inputs.filter((f) => /^node:|\/src\/node\//.test(f)), 'Node-only modules in the bundle').toEqual([]);
      expect(r.outputFiles[0]!.contents.length).toBeGreaterThan(10_000);
    }, 60_000);
  }

  for (const entry of ['packages/text/src/node/index.ts', 'packages/recurrent/src/node/index.ts', 'packages/onnx-export/src/node/index.ts']) {
    it(`${entry} (Node-only) does not bundle for the browser`, async () => {
      const failure = await bundle(entry).then(() => undefined, (e: BuildFailure) => e);
      expect(failure?.errors?.some((e) => /node:|built into node/.test(e.text + (e.notes ?? []).map((n) => n.text).join(' ')))).toBe(true);
    }, 60_000);
  }
});
