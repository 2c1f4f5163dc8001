/** The CPU `Dropout` kernel: mask, scale and output in one pass (the reference for the WebAssembly one). */
import { allocUninit } from '../dtype.js';
import { uniformAt } from '../random.js';
import type { KernelConfig } from '../registry.js';
import type { CpuBackend } from './cpu-backend.js';

/** Keep threshold and scale as the composite rounds them (float32 scalars for float32 tensors). */
export function dropoutScalars(p: number, float32: boolean): { keepBelow: number; scale: number } {
  const r = float32 ? Math.fround : (v: number) => v;
  return { keepBelow: r(1 - p), scale: r(1 / (1 - p)) };
}

export const dropoutKernel: KernelConfig<'Dropout', CpuBackend> = {
  name: 'Dropout',
  backend: 'cpu',
  run: ({ inputs: [x], attrs, backend }) => {
    const v = backend.values(x!.dataId);
    const f32 = x!.dtype === 'float32';
    const { keepBelow, scale } = dropoutScalars(attrs.p, f32);
    const out = allocUninit(x!.dtype, v.length); // every element is written below
    const { seed, offset } = attrs;
    for (let i = 0; i < v.length; i++) out[i] = uniformAt(seed, offset + i) < keepBelow ? v[i]! * scale : 0;
    return [backend.out(out, x!.shape, x!.dtype)];
  },
};
