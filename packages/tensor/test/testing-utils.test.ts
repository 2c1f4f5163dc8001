/** The test utilities themselves: expectClose semantics, leak snapshots and gradcheck. */
import { describe, expect, it } from 'vitest';
import { dispose, exp, keep, mul, scope, sub, sum, tanh, tensor, type Tensor } from '../src/index.js';
import {
  closeReport, expectClose, expectCloseSync, expectNoLeaks, gradcheck, isClose, trackLeaks, type AnalyticVjp,
} from '../src/testing/index.js';

describe('expectClose', () => {
  it('uses atol + rtol·|expected|', () => {
    expect(isClose(1.000009, 1, 0, 1e-5)).toBe(true);
    expect(isClose(1.00002, 1, 0, 1e-5)).toBe(false);
    expect(isClose(100.0009, 100, 0, 1e-5)).toBe(true); // rtol scales with the reference
    expect(isClose(1e-7, 0, 1e-6, 0)).toBe(true);
    expect(isClose(2e-6, 0, 1e-6, 1)).toBe(false); // rtol·|0| adds nothing
  });

  it('matches NaN with NaN only, and infinities exactly', () => {
    expect(isClose(NaN, NaN, 0, 0)).toBe(true);
    expect(isClose(NaN, 1, 1, 1)).toBe(false);
    expect(isClose(1, NaN, 1, 1)).toBe(false);
    expect(isClose(Infinity, Infinity, 0, 0)).toBe(true);
    expect(isClose(-Infinity, Infinity, 1e30, 1e30)).toBe(false);
    expect(isClose(3.4e38, Infinity, 1e30, 1)).toBe(false);
    expect(closeReport([1.7e38, 0], [Infinity, 0]).message).toContain('worst at index 0: actual 1.7e+38, expected Infinity, NaN and ±Inf must match exactly');
  });

  it('names the worst index (unravelled for tensors) and the counts', async () => {
    const r = closeReport([1, 2, 3, 4], [1, 2.5, 3, 4.1], { atol: 0.01, rtol: 0, label: 'add' });
    expect(r.ok).toBe(false);
    expect(r.worst).toBe(1);
    expect(r.message).toMatch(/^add: 2 of 4 elements differ \(atol 0\.01, rtol 0\); worst at index 1: actual 2, expected 2\.5/);
    const t = tensor([[0, 0, 0], [0, 5, 0]]);
    await expect(expectClose(t, [0, 0, 0, 0, 0, 0])).rejects.toThrow('worst at index 4 [1,1]: actual 5, expected 0');
    const other = tensor([0, 0, 5]);
    await expect(expectClose(t, other)).rejects.toThrow('shape [2,3] differs from expected [3]');
    dispose([t, other]);
  });

  it('accepts tensors, typed arrays, arrays and numbers', async () => {
    const t = tensor([1.5, -2]);
    await expectClose(t, Float64Array.of(1.5, -2));
    await expectClose(2, 2.000001, { atol: 1e-5 });
    expect(() => expectCloseSync([1, NaN], [1, NaN])).not.toThrow();
    expect(() => expectCloseSync([1], [1, 2])).toThrow('length 1 differs from expected 2');
    t.dispose();
  });
});

describe('leak helpers', () => {
  it('count tensors and backend buffers created since the snapshot', () => {
    const snap = trackLeaks();
    const a = tensor([1, 2, 3]);
    expect(() => expectNoLeaks(snap)).toThrow(/1 tensor\(s\) and 1 'cpu' buffer\(s\) \(12 bytes\)/);
    a.dispose();
    expect(() => expectNoLeaks(snap)).not.toThrow();
  });

  it('see a tensor kept inside a scope', () => {
    const snap = trackLeaks();
    let inner: Tensor | undefined;
    scope(() => {
      inner = keep(tensor([1]));
      tensor([2]); // freed by the scope
    });
    expect(() => expectNoLeaks(snap, 'kept')).toThrow(/^kept: 1 tensor\(s\) and 1 'cpu' buffer/);
    inner!.dispose();
    expectNoLeaks(snap);
  });
});

/** Hand-written vjps (no autograd here): d tanh = 1 − tanh², d(a·b) = (b, a). */
const tanhVjp: AnalyticVjp = (_f, [x], u) => [scope(() => mul(u, sub(1, mul(tanh(x!), tanh(x!)))))];
const mulVjp: AnalyticVjp = (_f, [a, b], u) => [mul(u, b!), mul(u, a!)];
const f64 = (values: number[], shape?: number[]) => tensor(values, shape ?? [values.length], 'float64');
const ramp = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) * 1.3);

describe('gradcheck', () => {
  it('accepts a correct vjp in float64: full Jacobian for small inputs, directions for large', async () => {
    const small = f64(ramp(6), [2, 3]), large = f64(ramp(100));
    const rs = await gradcheck((x) => tanh(x), [small], tanhVjp);
    expect(rs).toEqual([expect.objectContaining({ input: 0, mode: 'jacobian' })]);
    expect(rs[0]!.maxAbsError).toBeLessThan(1e-8);
    const rl = await gradcheck((x) => tanh(x), [large], tanhVjp);
    expect(rl[0]!.mode).toBe('direction');
    dispose([small, large]);
  });

  it('handles two inputs of different sizes and skips non-float inputs', async () => {
    const a = f64(ramp(4), [4, 1]), b = f64(ramp(80).map((v) => v + 2), [4, 20]), ids = tensor([1, 2], [2], 'int32');
    const rs = await gradcheck((x, y) => mul(x, y), [a, b, ids], (f, xs, u) => scope(() => {
      const [ga, gb] = mulVjp(f, xs, u) as Tensor[];
      // a was broadcast along axis 1: its gradient sums over it.
      return [sum(ga!, 1, true), gb, undefined];
    }));
    expect(rs.map((r) => [r.input, r.mode])).toEqual([[0, 'jacobian'], [1, 'direction']]);
    dispose([a, b, ids]);
  });

  it('rejects a vjp that is off by 1%', async () => {
    const x = f64(ramp(5));
    const wrong: AnalyticVjp = (f, xs, u) => [scope(() => mul((tanhVjp(f, xs, u) as Tensor[])[0]!, 1.01))];
    await expect(gradcheck((t) => tanh(t), [x], wrong)).rejects.toThrow(/^gradcheck: input 0 \[5\] float64, vjp with random cotangent: \d+ of 5 elements differ/);
    x.dispose();
  });

  it('rejects a vjp that is right only for a uniform cotangent (why the cotangent is random)', async () => {
    const x = f64(ramp(6)), w = f64([1, -2, 3, 0.5, 4, -1]);
    // d⟨x·w, u⟩/dx = u·w; this one returns w·mean(u), equal to u·w only when u is constant.
    const uniformOnly: AnalyticVjp = (_f, _xs, u) => [scope(() => mul(w, div6(sum(u))))];
    const div6 = (t: Tensor) => mul(t, 1 / 6);
    await expect(gradcheck((t) => mul(t, w), [x], uniformOnly, { fullJacobianMax: 0 })).rejects.toThrow('⟨Jv,u⟩ vs ⟨v,Jᵀu⟩');
    await expect(gradcheck((t) => mul(t, w), [x], uniformOnly)).rejects.toThrow('vjp with random cotangent');
    dispose([x, w]);
  });

  it('checks every Jacobian row when the output is small', async () => {
    // Right for the random cotangent's vjp (wrong only in the rows), so only the row check sees it.
    const x = f64([0.3, -0.2]);
    let calls = 0;
    const sneaky: AnalyticVjp = (f, xs, u) => (calls++ === 0 ? tanhVjp(f, xs, u) : [scope(() => exp(mul(u, 0)))]);
    await expect(gradcheck((t) => tanh(t), [x], sneaky)).rejects.toThrow('Jacobian row 0 (output element 0)');
    calls = 0;
    await gradcheck((t) => tanh(t), [x], sneaky, { jacobianRows: false }); // rows skipped on request
    x.dispose();
  });

  it('uses the float32 settings (eps 1e-3, tolerance 1e-2) for float32 inputs', async () => {
    const x = tensor(ramp(7), [7]);
    await gradcheck((t) => tanh(t), [x], tanhVjp);
    await expect(gradcheck((t) => tanh(t), [x], (f, xs, u) => [scope(() => mul((tanhVjp(f, xs, u) as Tensor[])[0]!, 1.05))]))
      .rejects.toThrow('float32');
    x.dispose();
  });

  it('reports a gradient of the wrong shape', async () => {
    const x = f64([1, 2]);
    await expect(gradcheck((t) => tanh(t), [x], () => [f64([1, 2, 3])])).rejects.toThrow('gradient [3] for input 0 should have shape [2]');
    x.dispose();
  });
});
