/**
 * The GPU benchmark's entry, bundled by build.mjs into one file that runs with the carried Node
 * binary and the carried `webgpu` (Dawn) module: W1, W3 (batch 1 and 64), W4 and W2 on WebGPU,
 * with the adapter's name, times and the device cost per step. Refuses a CPU-emulated adapter
 * (SwiftShader, llvmpipe/lavapipe) unless --allow-emulated is given, so an emulated run can never be
 * recorded as a GPU number.
 *
 * argv: [--only W1,W3,W4,W2] [--runs 5] [--allow-emulated] [--out results.json]
 */
import { writeFileSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { runRecurWebgpu } from '../src/recur-webgpu.js';
import { printGpuTargets, printTable } from '../src/report.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const only = opt('only', 'W3,W1,W4,W2').split(',').map((s) => s.trim());
const unknown = only.filter((w) => !['W1', 'W2', 'W3', 'W4'].includes(w));
if (unknown.length) throw new Error(`gpu bench: unknown workload(s) ${unknown.join(', ')}; choose from W1, W2, W3, W4`);
const runs = Math.max(3, Number(opt('runs', '5')));

Object.assign(globalThis, globals);
const gpu = create([]);
const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
if (!adapter) {
  console.error('gpu bench: no WebGPU adapter. Dawn found no Vulkan device: check `nvidia-smi`, that libvulkan.so.1 is ' +
    'installed and that an NVIDIA ICD json exists (/usr/share/vulkan/icd.d or /etc/vulkan/icd.d; in containers ' +
    'NVIDIA_DRIVER_CAPABILITIES must include graphics). See README.md.');
  process.exit(2);
}
const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' / ');
console.log(`adapter: ${name}`);
if (/swiftshader|llvmpipe|lavapipe/i.test(name) && !argv.includes('--allow-emulated')) {
  console.error('gpu bench: this adapter is a CPU emulation, not a GPU; refusing to time it (pass --allow-emulated to run anyway, e.g. to check the bundle)');
  process.exit(3);
}
const rows = await runRecurWebgpu(only, runs, { gpu, adapterOptions: { powerPreference: 'high-performance' } });
printTable(rows);
printGpuTargets(rows);
const out = opt('out', 'recur-gpu-bench-results.json');
writeFileSync(out, JSON.stringify({ adapter: name, date: new Date().toISOString(), node: process.version, rows }, null, 2) + '\n');
console.log(`\nwrote ${out}`);
process.exit(0);
