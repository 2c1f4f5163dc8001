/**
 * WebGPU creation kernels: Fill and the counter-based random streams. Random numbers come from the
 * WGSL twin of `random.ts` (element i = f(seed, offset + i)), so seeded runs match the CPU.
 */
import { allocFor, type DType } from '../../dtype.js';
import { WGSL_RANDOM } from '../../random.js';
import { sizeOf } from '../../shape.js';
import type { TensorInfo } from '../../backend.js';
import type { WebGPUBackend } from '../backend.js';
import { linearMain, runProgram, type Program } from '../program.js';
import { WGSL_CONVERT, wgslType, type Cfg } from './common.js';

const WG = 64;

/** The 32-bit pattern of `value` stored in `dtype` (typed-array semantics; bool: nonzero, non-NaN → 1). */
export function storedBits(value: number, dtype: DType): number {
  if (dtype === 'float64') throw new Error('webgpu: Fill: float64 is not supported on WebGPU; use float32');
  if (dtype === 'bool') return value !== 0 && !Number.isNaN(value) ? 1 : 0;
  const one = allocFor(dtype, 1);
  one[0] = value;
  if (dtype === 'float32') return new Uint32Array(one.buffer)[0]!;
  return (one[0]! >>> 0);
}

const fillProgram: Program = {
  key: 'fill',
  label: 'Fill',
  bindings: [{ name: 'y', type: 'u32', access: 'read_write' }],
  uniforms: [{ name: 'size', type: 'u32' }, { name: 'bits', type: 'u32' }],
  body: () => linearMain(WG, '  y[idx] = u.bits;'),
};

/** Fills `count` words of `buffer` with `bits` (used by Fill, Pad and zero-initialised outputs). */
export function fillWords(backend: WebGPUBackend, buffer: GPUBuffer, count: number, bits: number): void {
  runProgram(backend, fillProgram, [buffer], { size: count, bits }, { threads: count, wg: WG });
}

/** A new tensor of `shape` filled with `value`. */
export function filled(backend: WebGPUBackend, op: string, shape: readonly number[], value: number, dtype: DType): TensorInfo {
  const out = backend.makeOutput(op, shape, dtype);
  fillWords(backend, backend.buffer(out.dataId), sizeOf(shape), storedBits(value, dtype));
  return out;
}

const fill: Cfg = {
  name: 'Fill', backend: 'webgpu',
  run: ({ attrs, backend }) => {
    const a = attrs as { shape: number[]; value: number; dtype: DType };
    return [filled(backend, 'Fill', a.shape, a.value, a.dtype)];
  },
};

function randomProgram(kind: 'uniform' | 'normal', dtype: DType): Program {
  const t = wgslType(dtype);
  const value = kind === 'uniform' ? 'u.p0 + u.p1 * uniform_at(u.seed, u.offset + idx)' : 'u.p0 + u.p1 * normal_at(u.seed, u.offset + idx)';
  const store = t === 'f32' ? value : t === 'i32' ? `to_i32(${value})` : `select(0u, 1u, (${value}) != 0.0)`;
  return {
    key: `random:${kind}:${dtype}`,
    label: `Random ${kind} (${dtype})`,
    bindings: [{ name: 'y', type: t, access: 'read_write' }],
    uniforms: [
      { name: 'size', type: 'u32' }, { name: 'seed', type: 'u32' }, { name: 'offset', type: 'u32' },
      { name: 'p0', type: 'f32' }, { name: 'p1', type: 'f32' },
    ],
    body: () => `${WGSL_RANDOM}\n${WGSL_CONVERT}\n${linearMain(WG, `  y[idx] = ${store};`)}`,
  };
}

function randomKernel(name: 'RandomUniform' | 'RandomNormal'): Cfg {
  return {
    name, backend: 'webgpu',
    run: ({ attrs, backend }) => {
      const a = attrs as { shape: number[]; seed: number; offset: number; dtype: DType; low?: number; high?: number; mean?: number; std?: number };
      const out = backend.makeOutput(name, a.shape, a.dtype);
      const size = sizeOf(a.shape);
      const [p0, p1] = name === 'RandomUniform' ? [a.low!, a.high! - a.low!] : [a.mean!, a.std!];
      runProgram(backend, randomProgram(name === 'RandomUniform' ? 'uniform' : 'normal', a.dtype), [backend.buffer(out.dataId)],
        { size, seed: a.seed >>> 0, offset: a.offset >>> 0, p0, p1 }, { threads: size, wg: WG });
      return [out];
    },
  };
}

export const creationKernels: Cfg[] = [fill, randomKernel('RandomUniform'), randomKernel('RandomNormal')];
