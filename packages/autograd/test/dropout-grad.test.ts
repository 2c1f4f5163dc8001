/** The Dropout kernel's gradient rule against the composite it replaces (same counters, same mask). */
import { describe, expect, it } from 'vitest';
import { dropout, less, mul, randomUniform, setCpuSimd, sum, tensor, where, type Tensor } from '@recur/tensor';
import { grad } from '../src/index.js';

const composite = (x: Tensor, p: number, seed: number) =>
  where(less(randomUniform(x.shape, 0, 1, { seed }), 1 - p), mul(x, 1 / (1 - p)), 0);

describe('Dropout gradient', () => {
  for (const simd of ['auto', 'off'] as const) {
    it(`equals the composite's gradient, weighted loss (${simd === 'auto' ? 'WebAssembly' : 'JS'} kernels)`, () => {
      setCpuSimd(simd);
      const n = 5000;
      const x = tensor(Float32Array.from({ length: n }, (_, i) => Math.cos(i)), [n]);
      const w = tensor(Float32Array.from({ length: n }, (_, i) => (i % 11) - 5), [n]);
      const [fused] = grad((t: Tensor) => sum(mul(dropout(t, 0.35, { seed: 4 }), w)))(x);
      const [ref] = grad((t: Tensor) => sum(mul(composite(t, 0.35, 4), w)))(x);
      const a = fused!.dataSync(), b = ref!.dataSync();
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(a.filter((v) => v === 0).length).toBeGreaterThan(n * 0.25); // dropped entries get no gradient
      for (const t of [x, w, fused!, ref!]) t.dispose();
      setCpuSimd('auto');
    });
  }
});
