// The tarball gate: packs every publishable package once (prepack builds dist/), lints the
// tarballs (publint --strict, are-the-types-wrong with attw's esm-only profile), installs them
// outside the workspace offline and runs, from the installed files only: each README's first
// example (installing exactly what its `npm install` line names), the root README's training
// script, a strict type check of a typed example, the optional-peer errors, and the `recur`
// command from an `npm install -g` of the tarballs.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { formatMessage } from 'publint/utils';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { externalTarballs, packAll, publishablePackages, readmeExample, repoRoot, sectionExample } from '../packaging/pack.mjs';
// @ts-expect-error plain ESM script without types
import { installGlobal, installProject, run } from '../packaging/install.mjs';

interface Pkg { name: string; version: string; dir: string; manifest: Record<string, any> }
interface Result { code: number | null; stdout: string; stderr: string }

const packages: Pkg[] = publishablePackages();
const LIBS = ['@recur/tensor', '@recur/autograd', '@recur/recurrent', '@recur/text', '@recur/onnx-export'];
const work = mkdtempSync(join(tmpdir(), 'recur-packaging-'));
let tarballs: Record<string, string> = {};
let externals: Record<string, string> = {};
const SLOW = 300_000;

const fileList = (tgz: string): string[] => run('tar', ['tzf', tgz]).stdout.trim().split('\n');
const packedManifest = (tgz: string) => JSON.parse(run('tar', ['xzf', tgz, '-O', 'package/package.json']).stdout);
const explain = (r: Result) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
function node(dir: string, file: string, code: string): Result {
  writeFileSync(join(dir, file), code);
  return run(process.execPath, [file], { cwd: dir });
}

beforeAll(() => {
  tarballs = packAll(packages, join(work, 'tarballs'));
  externals = externalTarballs(packages, join(work, 'third-party'));
}, SLOW);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('tarballs', () => {
  it('every library and the CLI is publishable', () => {
    expect(packages.map((p) => p.name).sort()).toEqual([...LIBS, '@recur/cli'].sort());
  });

  it.each(packages.map((p) => [p.name, p] as const))('%s: manifest, licence and exported files', (_, p) => {
    const tgz = tarballs[p.name]!;
    const files = new Set(fileList(tgz).map((f) => f.replace(/^package\//, '')));
    const m = packedManifest(tgz);
    const dir = relative(repoRoot, p.dir);
    expect(readFileSync(join(p.dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'));
    expect(files.has('LICENSE') && files.has('README.md') && files.has('package.json')).toBe(true);
    expect(m.license).toBe('MIT');
    expect(m.repository).toMatchObject({ type: 'git', directory: dir });
    expect(m.homepage).toContain(dir);
    expect(m.engines?.node).toMatch(/^>=20/);
    expect(m.version).toBe(p.version);
    expect(m.sideEffects === false || Array.isArray(m.sideEffects)).toBe(true);
    expect(JSON.stringify(m)).not.toContain('workspace:');
    for (const heavy of ['onnxruntime-node', 'webgpu', 'tsx']) expect(m.dependencies?.[heavy], `${heavy} in dependencies`).toBeUndefined();
    for (const [sub, entry] of Object.entries<any>(m.exports)) {
      if (typeof entry === 'string') continue;
      expect(Object.keys(entry), `exports["${sub}"]`).toEqual(['@recur/source', 'types', 'import']);
      expect(entry.types).toMatch(/^\.\/dist\/.*\.d\.ts$/);
      expect(entry.import).toMatch(/^\.\/dist\/.*\.js$/);
      for (const f of [entry['@recur/source'], entry.types, entry.import]) expect(files.has(f.slice(2)), `${sub}: ${f} packed`).toBe(true);
    }
    for (const f of files) expect(f, 'test files stay out of the tarball').not.toMatch(/\.test\.(ts|js)$/);
  });

  it.each(packages.map((p) => [p.name, p] as const))('%s: publint --strict finds nothing', async (_, p) => {
    const data = readFileSync(tarballs[p.name]!);
    const { messages, pkg } = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }, strict: true });
    expect(messages.map((msg) => `${msg.type} ${msg.code}: ${formatMessage(msg, pkg, { color: false })}`)).toEqual([]);
  }, SLOW);

  // The engine of `attw <tarball> --profile esm-only`, in-process (one TypeScript load for all six):
  // that profile ignores node10 and require-from-CJS resolution, as the packages are ESM-only.
  it.each(packages.map((p) => [p.name, p] as const))('%s: are-the-types-wrong (esm-only) finds nothing', async (_, p) => {
    const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(tarballs[p.name]!))));
    if (!analysis.types) throw new Error(`${p.name}: are-the-types-wrong found no types`);
    const ignored = ['node10', 'node16-cjs'];
    const problems = analysis.problems.filter((x) => !('resolutionKind' in x) || !ignored.includes(x.resolutionKind as string));
    expect(problems).toEqual([]);
  }, SLOW);

  it('both linters fail a tarball whose types entry points at a missing file', async () => {
    const dir = join(work, 'broken');
    mkdirSync(dir, { recursive: true });
    run('tar', ['xzf', tarballs['@recur/autograd']!, '-C', dir]);
    const pj = join(dir, 'package', 'package.json');
    const m = JSON.parse(readFileSync(pj, 'utf8'));
    m.exports['.'].types = './dist/missing.d.ts';
    writeFileSync(pj, JSON.stringify(m));
    const tgz = join(work, 'broken.tgz');
    run('tar', ['czf', tgz, '-C', dir, 'package']);
    const data = readFileSync(tgz);
    const { messages } = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }, strict: true });
    expect(messages.map((x) => x.code)).toContain('FILE_DOES_NOT_EXIST');
    const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(data)));
    expect(analysis.types && analysis.problems.some((x) => 'resolutionKind' in x && x.resolutionKind === 'node16-esm')).toBe(true);
  }, SLOW);
});

describe('installed from the tarballs, offline, outside the workspace', () => {
  it.each(LIBS.map((n) => [n] as const))("%s: the README's first example runs as written", (name) => {
    const p = packages.find((x) => x.name === name)!;
    const example = readmeExample(readFileSync(join(p.dir, 'README.md'), 'utf8'));
    expect(example, 'a ```js block after an `npm install …` line').not.toBeNull();
    expect(example.install).toContain(name);
    const dir = join(work, `readme-${name.split('/')[1]}`);
    installProject(dir, example.install, { ...tarballs, ...externals });
    const r = node(dir, 'example.mjs', example.code);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout.trim().length, explain(r)).toBeGreaterThan(0);
  }, SLOW);

  it("the root README's training script trains (loss below 0.05 after 40 steps)", () => {
    const example = sectionExample(readFileSync(join(repoRoot, 'README.md'), 'utf8'), '## Using the packages');
    expect(example).not.toBeNull();
    const dir = join(work, 'root-readme');
    installProject(dir, example.install, { ...tarballs, ...externals });
    const r = node(dir, 'train.mjs', example.code);
    expect(r.code, explain(r)).toBe(0);
    const last = /step 40: loss ([\d.]+)/.exec(r.stdout);
    expect(last, explain(r)).not.toBeNull();
    expect(Number(last![1])).toBeLessThan(0.05);
  }, SLOW);

  it("TypeScript: the recurrent README's typed example checks against the installed declarations", () => {
    const dir = join(work, 'typescript');
    installProject(dir, ['@recur/recurrent', '@recur/tensor'], { ...tarballs, ...externals });
    const readme = readFileSync(join(repoRoot, 'packages/recurrent/README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(code).toContain('export async function trainToy');
    writeFileSync(join(dir, 'check.ts'), code);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: [] },
      files: ['check.ts'],
    }));
    const r = run(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: dir });
    expect(r.code, explain(r)).toBe(0);
  }, SLOW);

  it('optional peers: a missing onnxruntime-node or webgpu is an error naming the package', () => {
    const dir = join(work, 'peers');
    installProject(dir, ['@recur/onnx-export', '@recur/tensor'], { ...tarballs, ...externals });
    const r = node(dir, 'peers.mjs', [
      "import { createSession } from '@recur/onnx-export/node';",
      "import { createWebGPUBackend } from '@recur/tensor/webgpu';",
      'for (const f of [() => createSession(new Uint8Array(8)), () => createWebGPUBackend()]) {',
      '  try { await f(); console.log("no error"); } catch (e) { console.log(e.message); }',
      '}',
    ].join('\n'));
    expect(r.code, explain(r)).toBe(0);
    const [ort, gpu] = r.stdout.trim().split('\n');
    expect(ort).toContain("optional peer dependency 'onnxruntime-node'");
    expect(ort).toContain('npm install onnxruntime-node');
    expect(gpu).toContain("optional peer dependency 'webgpu'");
    expect(gpu).toContain('npm install webgpu');
  }, SLOW);

  it('npm install -g of the tarballs gives a `recur` that trains, predicts and exports from dist/; missing peers are named', () => {
    const prefix = join(work, 'global');
    installGlobal(prefix, [...Object.values(tarballs), ...Object.values(externals)], join(work, 'npm-cache'));
    const recur = join(prefix, 'bin', 'recur');
    const lib = join(prefix, 'lib', 'node_modules');
    expect(existsSync(join(lib, 'tsx')) || existsSync(join(lib, '@recur/cli/node_modules/tsx')), 'tsx installed').toBe(false);
    const cli = packages.find((p) => p.name === '@recur/cli')!;
    const onnx = packages.find((p) => p.name === '@recur/onnx-export')!;
    const cwd = join(work, 'global-runs');
    mkdirSync(cwd, { recursive: true });

    const version = run(recur, ['--version'], { cwd });
    expect(version.stdout).toBe(`recur ${cli.version}\n`);
    const train = run(recur, ['train', '--epochs', '1', '--out', 'run'], { cwd });
    expect(train.code, explain(train)).toBe(0);
    expect(train.stdout).toMatch(/test accuracy \d+\.\d+%/);
    const predict = run(recur, ['predict', 'run', 'not very good , but the ending was superb .'], { cwd });
    expect(predict.code, explain(predict)).toBe(0);
    expect(predict.stdout).toMatch(/^\d\.\d+\t(positive|negative)\t/);
    const exp = run(recur, ['export', 'run', '--onnx', 'model.onnx'], { cwd });
    expect(exp.code, explain(exp)).toBe(0);
    // ModelProto: producer_name (field 2) 'recur', then producer_version (field 3) = the package version.
    const v = Buffer.from(onnx.version);
    const producer = Buffer.concat([Buffer.from([0x12, 5]), Buffer.from('recur'), Buffer.from([0x1a, v.length]), v]);
    expect(readFileSync(join(cwd, 'model.onnx')).includes(producer)).toBe(true);
    const verify = run(recur, ['verify', 'model.onnx', 'run'], { cwd });
    expect(verify.code).not.toBe(0);
    expect(verify.stderr).toContain('npm install onnxruntime-node');
    const gpu = run(recur, ['predict', 'run', 'a superb film', '--backend', 'webgpu'], { cwd });
    expect(gpu.code).not.toBe(0);
    expect(gpu.stderr).toContain('npm install webgpu');
  }, SLOW);
});
