/** CPU creation kernels: Fill and the counter-based random streams. */
import type { KernelConfig } from '../registry.js';
import { allocUninit } from '../dtype.js';
import { normalAt, uniformAt } from '../random.js';
import { sizeOf } from '../shape.js';
import type { CpuBackend } from './cpu-backend.js';

const fill: KernelConfig<'Fill', CpuBackend> = {
  name: 'Fill',
  backend: 'cpu',
  run: ({ attrs, backend }) => {
    // bool storage holds exactly 0/1 (any nonzero value, NaN included, is true); int32 truncates.
    const v = attrs.dtype === 'bool' ? (attrs.value !== 0 ? 1 : 0) : attrs.dtype === 'int32' ? Math.trunc(attrs.value) : attrs.value;
    return [backend.out(allocUninit(attrs.dtype, sizeOf(attrs.shape)).fill(v), attrs.shape, attrs.dtype)];
  },
};

const randomUniform: KernelConfig<'RandomUniform', CpuBackend> = {
  name: 'RandomUniform',
  backend: 'cpu',
  run: ({ attrs, backend }) => {
    const out = allocUninit(attrs.dtype, sizeOf(attrs.shape));
    const span = attrs.high - attrs.low;
    for (let i = 0; i < out.length; i++) out[i] = attrs.low + span * uniformAt(attrs.seed, attrs.offset + i);
    return [backend.out(out, attrs.shape, attrs.dtype)];
  },
};

const randomNormal: KernelConfig<'RandomNormal', CpuBackend> = {
  name: 'RandomNormal',
  backend: 'cpu',
  run: ({ attrs, backend }) => {
    const out = allocUninit(attrs.dtype, sizeOf(attrs.shape));
    for (let i = 0; i < out.length; i++) out[i] = attrs.mean + attrs.std * normalAt(attrs.seed, attrs.offset + i);
    return [backend.out(out, attrs.shape, attrs.dtype)];
  },
};

export const creationKernels = [fill, randomUniform, randomNormal] as KernelConfig<string, CpuBackend>[];
