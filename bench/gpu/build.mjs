// Builds the self-contained GPU benchmark: bench/gpu/dist/recur-gpu-bench/ (bench.mjs, the Node binary
// running this script, node_modules/webgpu with Linux x64 Dawn only, run.sh, README.md) and the same as
// bench/gpu/dist/recur-gpu-bench.tar.xz. Run it here (needs the installed workspace):
//   node bench/gpu/build.mjs
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const bench = path.resolve(here, '..');
const out = path.join(here, 'dist', 'recur-gpu-bench');
// esbuild comes with tsx (a bench dependency); the webgpu package is a bench dependency too.
const esbuild = createRequire(realpathSync(path.join(bench, 'node_modules/tsx/package.json')))('esbuild');
const webgpuDir = path.dirname(createRequire(path.join(bench, 'package.json')).resolve('webgpu/package.json'));

rmSync(path.join(here, 'dist'), { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: [path.join(here, 'main.ts')],
  bundle: true, platform: 'node', format: 'esm', target: 'node20',
  conditions: ['@recur/source'],
  external: ['webgpu'],
  outfile: path.join(out, 'bench.mjs'),
  // CommonJS pieces of the bundle may call require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
const gpuOut = path.join(out, 'node_modules', 'webgpu');
mkdirSync(path.join(gpuOut, 'dist', 'linux-x64'), { recursive: true });
for (const f of ['index.js', 'package.json', 'LICENSE.md']) copyFileSync(path.join(webgpuDir, f), path.join(gpuOut, f));
copyFileSync(path.join(webgpuDir, 'dist', 'linux-x64', 'dawn.node'), path.join(gpuOut, 'dist', 'linux-x64', 'dawn.node'));
copyFileSync(process.execPath, path.join(out, 'node'));
chmodSync(path.join(out, 'node'), 0o755);
for (const f of ['run.sh', 'README.md']) cpSync(path.join(here, f), path.join(out, f));
chmodSync(path.join(out, 'run.sh'), 0o755);
const tarball = path.join(here, 'dist', 'recur-gpu-bench.tar.xz');
execFileSync('tar', ['-C', path.join(here, 'dist'), '-cJf', tarball, 'recur-gpu-bench'], { env: { ...process.env, XZ_OPT: '-6 -T2' } });
const mib = (p) => (statSync(p).size / 2 ** 20).toFixed(1);
console.log(`built ${path.relative(process.cwd(), out)} (node ${process.version} ${mib(path.join(out, 'node'))} MiB, dawn.node ${mib(path.join(gpuOut, 'dist/linux-x64/dawn.node'))} MiB, bench.mjs ${mib(path.join(out, 'bench.mjs'))} MiB)`);
console.log(`      ${path.relative(process.cwd(), tarball)}: ${mib(tarball)} MiB`);
