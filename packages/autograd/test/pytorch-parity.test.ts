/**
 * Replays PyTorch 1.13 results (tools/fixtures/gen_primitives.py → fixtures/primitives.json): each
 * primitive's forward and its backward for a fixed non-uniform cotangent, and a 2-layer MLP with
 * softmax cross-entropy, in float32 (1e-5) and float64 (1e-9).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as T from '@recur/tensor';
import { add, dispose, gather, matMul, mean, mul, neg, oneHot, reshape, scope, sum, tanh, tensor, type DType, type Tensor } from '@recur/tensor';
import { NON_DIFFERENTIABLE, PRIMITIVE_KERNELS } from '@recur/tensor/backend';
import { expectClose } from '@recur/tensor/testing';
import { backward, unwatch, valueAndGrad, watch } from '../src/index.js';

interface Enc { shape: number[]; data: number[] }
interface Case {
  name: string;
  kernel: string;
  attrs: Record<string, unknown>;
  inputs: Array<Enc & { dtype: 'float' | 'int32' | 'bool' }>;
  output: Enc;
  cotangent: Enc;
  grads: Array<Enc | null>;
}
interface Fixture {
  meta: { torch: string; tolerances: Record<'float32' | 'float64', { atol: number; rtol: number }> };
  cases: Case[];
  mlp: { inputs: Enc; targets: Enc; params: Record<string, Enc>; logits: Enc; loss: number; grads: Record<string, Enc> };
}

const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/primitives.json', import.meta.url), 'utf8')) as Fixture;
type Op = (xs: Tensor[], a: Record<string, unknown>) => Tensor;
const a1 = (f: (x: Tensor) => Tensor): Op => ([x]) => f(x!);
const a2 = (f: (x: Tensor, y: Tensor) => Tensor): Op => ([x, y]) => f(x!, y!);

/** Our op for each fixture kernel, called with the fixture's attrs (PyTorch semantics). */
const OPS: Record<string, Op> = {
  Neg: a1(T.neg), Exp: a1(T.exp), Log: a1(T.log), Sqrt: a1(T.sqrt), Tanh: a1(T.tanh), Sigmoid: a1(T.sigmoid),
  Relu: a1(T.relu), Abs: a1(T.abs),
  Add: a2(T.add), Sub: a2(T.sub), Mul: a2(T.mul), Div: a2(T.div), Maximum: a2(T.maximum), Pow: a2(T.pow),
  Where: ([c, x, y]) => T.where(c!, x!, y!),
  Sum: ([x], a) => T.sum(x!, (a.axes as number[] | null) ?? undefined, a.keepDims as boolean),
  Max: ([x], a) => T.max(x!, (a.axes as number[] | null) ?? undefined, a.keepDims as boolean),
  BatchMatMul: ([x, y], a) => T.matMul(x!, y!, { transposeA: a.transposeA as boolean, transposeB: a.transposeB as boolean }),
  Reshape: ([x], a) => T.reshape(x!, a.shape as number[]),
  Transpose: ([x], a) => T.transpose(x!, a.perm as number[]),
  Slice: ([x], a) => T.slice(x!, a.begin as number[], a.size as number[]),
  Concat: (xs, a) => T.concat(xs, a.axis as number),
  Pad: ([x], a) => T.pad(x!, a.paddings as Array<[number, number]>, a.value as number),
  Gather: ([x, i], a) => T.gather(x!, i!, a.axis as number),
  ScatterAdd: ([u, i], a) => T.scatterAdd(u!, i!, a.shape as number[], a.axis as number),
  logSoftmax: ([x], a) => T.logSoftmax(x!, a.axis as number),
};

const make = (e: Enc, dtype: DType) => tensor(e.data, e.shape, dtype);

async function replay(c: Case, dtype: 'float32' | 'float64'): Promise<void> {
  const tol = FIXTURE.meta.tolerances[dtype];
  const xs = c.inputs.map((e) => make(e, e.dtype === 'float' ? dtype : e.dtype));
  const floats = xs.filter((_, i) => c.inputs[i]!.dtype === 'float');
  const dy = make(c.cotangent, dtype);
  for (const x of floats) watch(x);
  let y: Tensor | undefined;
  let grads: Tensor[] = [];
  try {
    y = scope(() => OPS[c.kernel]!(xs, c.attrs));
    grads = backward(y, floats, dy);
  } finally {
    for (const x of floats) unwatch(x);
  }
  try {
    expect(y.shape).toEqual(c.output.shape);
    await expectClose(y, c.output.data, { ...tol, label: `${c.name} forward` });
    let k = 0;
    for (let i = 0; i < xs.length; i++) {
      if (c.inputs[i]!.dtype !== 'float') continue;
      const want = c.grads[i];
      expect(want, `${c.name}: fixture has a grad for input ${i}`).toBeTruthy();
      await expectClose(grads[k++]!, want!.data, { ...tol, label: `${c.name} grad ${i}` });
    }
  } finally {
    dispose([...xs, dy, y, ...grads]);
  }
}

describe(`PyTorch ${FIXTURE.meta.torch} parity: primitives`, () => {
  it('covers every differentiable primitive kernel', () => {
    const covered = new Set(FIXTURE.cases.map((c) => c.kernel));
    expect(PRIMITIVE_KERNELS.filter((k) => !NON_DIFFERENTIABLE.has(k) && k !== 'Cast' && !covered.has(k))).toEqual([]);
  });
  for (const c of FIXTURE.cases) {
    it(`${c.name} (float32)`, () => replay(c, 'float32'));
    it(`${c.name} (float64)`, () => replay(c, 'float64'));
  }
});

describe(`PyTorch ${FIXTURE.meta.torch} parity: 2-layer MLP with softmax cross-entropy`, () => {
  const m = FIXTURE.mlp;
  const names = ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'] as const;

  /** loss = −mean(log softmax(logits)[b, t_b]), picking the target either via oneHot or via gather. */
  function loss(pick: 'oneHot' | 'gather', x: Tensor, t: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor): Tensor {
    const h = tanh(add(matMul(x, w1, { transposeB: true }), b1)); // (B, H)
    const logits = add(matMul(h, w2, { transposeB: true }), b2); // (B, C)
    const logp = T.logSoftmax(logits, -1); // (B, C)
    const [B, C] = logp.shape as [number, number];
    const picked = pick === 'oneHot'
      ? sum(mul(logp, T.cast(oneHot(t, C), logp.dtype)), 1) // (B); oneHot is float32-only
      : gather(reshape(logp, [B * C]), add(mul(T.arange(0, B, 1, 'int32'), C), t)); // (B)
    return neg(mean(picked));
  }

  for (const dtype of ['float32', 'float64'] as const) {
    for (const pick of ['oneHot', 'gather'] as const) {
      it(`loss and every parameter grad (${dtype}, target picked by ${pick})`, async () => {
        const tol = FIXTURE.meta.tolerances[dtype];
        const x = make(m.inputs, dtype), t = make(m.targets, 'int32');
        const ps = names.map((n) => make(m.params[n]!, dtype));
        const { value, grads } = valueAndGrad((...p: Tensor[]) => loss(pick, x, t, p[0]!, p[1]!, p[2]!, p[3]!))(...ps);
        try {
          await expectClose(value, m.loss, { ...tol, label: 'loss' });
          for (let i = 0; i < names.length; i++) await expectClose(grads[i]!, m.grads[names[i]!]!.data, { ...tol, label: names[i] });
        } finally {
          dispose([x, t, ...ps, value, ...grads]);
        }
      });
    }
  }
});
