/**
 * Conformance cases for Fill and the counter-based random kernels: exact values pinned from
 * `hashU32`, seeded determinism, the global stream, and moments checked on 10k samples.
 */
import type { DType } from '../../dtype.js';
import { getRandomState, setRandomState, setSeed } from '../../engine-api.js';
import { full, randomNormal, randomUniform } from '../../ops/creation.js';
import { hashU32 } from '../../random.js';
import type { Tensor } from '../../tensor.js';
import { APPROX, EXACT, INT, expectKernel, read, type ConformanceCase } from './harness.js';

const TWO_POW_M24 = 5.960464477539063e-8;

/** hashU32 values pinned when the generator was written: any change breaks saved checkpoints. */
const PINNED: Array<[seed: number, counter: number, hash: number]> = [
  [0, 0, 350559771],
  [0, 1, 3059064229],
  [1, 0, 978226879],
  [42, 7, 969887575],
  [0xdeadbeef, 123456, 1262457390],
];

function moments(v: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  const mean = s / v.length;
  let q = 0;
  for (let i = 0; i < v.length; i++) q += (v[i]! - mean) ** 2;
  return { mean, variance: q / (v.length - 1) };
}

function within(what: string, got: number, want: number, tol: number): void {
  if (!(Math.abs(got - want) <= tol)) throw new Error(`${what}: got ${got}, expected ${want} ± ${tol}`);
}

/** Runs `fn` with the global random state saved and restored around it. */
async function withRandomState<T>(fn: () => Promise<T>): Promise<T> {
  const saved = getRandomState();
  try {
    return await fn();
  } finally {
    setRandomState(saved);
  }
}

function fillCases(): ConformanceCase[] {
  const mk = (shape: number[], value: number, dtype: DType): ConformanceCase => ({
    kernel: 'Fill',
    title: `${JSON.stringify(shape)} = ${value} ${dtype}`,
    run: () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const want = dtype === 'bool' ? (value !== 0 ? 1 : 0) : dtype === 'int32' ? Math.trunc(value) : value;
      return expectKernel(`Fill ${JSON.stringify(shape)}`, () => full(shape, value, dtype),
        { data: new Float64Array(n).fill(want), shape }, dtype === 'float32' ? EXACT : INT, dtype);
    },
  });
  return [
    mk([], 2.5, 'float32'),
    mk([7, 65], -0.125, 'float32'),
    mk([10_000], 3.4e38, 'float32'),
    mk([257], 0, 'int32'),
    mk([3, 1, 5], -7, 'int32'),
    mk([64], 1, 'bool'),
    mk([5], 2, 'bool'),
    mk([4], -2.9, 'int32'),
    mk([2, 2], NaN, 'float32'),
    mk([3], -Infinity, 'float32'),
  ];
}

function uniformCases(): ConformanceCase[] {
  const K = 'RandomUniform' as const;
  return [
    {
      kernel: K,
      title: 'exact values pinned from hashU32',
      run: async () => {
        for (const [seed, counter, hash] of PINNED) {
          if (hashU32(seed, counter) !== hash) throw new Error(`hashU32(${seed}, ${counter}) = ${hashU32(seed, counter)}, pinned ${hash}`);
        }
        // seed 0, counters 0 and 1, via an explicit seed (stream starts at counter 0).
        await expectKernel('RandomUniform seed 0', () => randomUniform([2], 0, 1, { seed: 0 }),
          { data: Float64Array.of((350559771 >>> 8) * TWO_POW_M24, (3059064229 >>> 8) * TWO_POW_M24), shape: [2] }, INT);
        const s42 = await read(() => randomUniform([8], 0, 1, { seed: 42 }));
        within('RandomUniform seed 42 element 7', s42.data[7]!, (969887575 >>> 8) * TWO_POW_M24, 0);
        // The global stream at an arbitrary offset reads the same counters.
        await withRandomState(async () => {
          setRandomState({ seed: 0xdeadbeef, counter: 123456 });
          const g = await read(() => randomUniform([1]));
          within('RandomUniform global stream at counter 123456', g.data[0]!, (1262457390 >>> 8) * TWO_POW_M24, 0);
        });
      },
    },
    {
      kernel: K,
      title: '[low, high) scaling matches the stream, 10000 values',
      run: async () => {
        const want = new Float64Array(10_000);
        for (let i = 0; i < want.length; i++) want[i] = -2 + 5 * (hashU32(9, i) >>> 8) * TWO_POW_M24;
        await expectKernel('RandomUniform [-2,3)', () => randomUniform([100, 100], -2, 3, { seed: 9 }), { data: want, shape: [100, 100] }, EXACT);
      },
    },
    {
      kernel: K,
      title: 'same seed gives the same values, another seed other values',
      run: async () => {
        const a = await read(() => randomUniform([257], 0, 1, { seed: 11 }));
        const b = await read(() => randomUniform([257], 0, 1, { seed: 11 }));
        const c = await read(() => randomUniform([257], 0, 1, { seed: 12 }));
        for (let i = 0; i < 257; i++) if (a.data[i] !== b.data[i]) throw new Error(`RandomUniform: seed 11 differs at ${i}`);
        let same = 0;
        for (let i = 0; i < 257; i++) if (a.data[i] === c.data[i]) same++;
        if (same > 2) throw new Error(`RandomUniform: seeds 11 and 12 agree on ${same} of 257 values`);
      },
    },
    {
      kernel: K,
      title: 'global stream: setSeed, then consecutive draws continue the stream',
      run: () => withRandomState(async () => {
        setSeed(5);
        const a = await read(() => randomUniform([10]));
        const b = await read(() => randomUniform([7]));
        setSeed(5);
        const c = await read(() => randomUniform([17]));
        const joined = [...Array.from(a.data), ...Array.from(b.data)];
        joined.forEach((v, i) => within(`global stream element ${i}`, c.data[i]!, v, 0));
      }),
    },
    {
      kernel: K,
      title: 'moments of 10000 samples: mean 1/2, variance 1/12, range [0, 1)',
      run: async () => {
        const { data } = await read(() => randomUniform([10_000], 0, 1, { seed: 2024 }));
        for (let i = 0; i < data.length; i++) if (!(data[i]! >= 0 && data[i]! < 1)) throw new Error(`RandomUniform: ${data[i]} at ${i} outside [0,1)`);
        const m = moments(data);
        // 4σ bounds: σ(mean) = √(1/12/n) ≈ 0.0029, σ(var) = √((1/80 − 1/144)/n) ≈ 0.00075.
        within('uniform mean', m.mean, 0.5, 0.0116);
        within('uniform variance', m.variance, 1 / 12, 0.003);
      },
    },
  ];
}

function normalCases(): ConformanceCase[] {
  const K = 'RandomNormal' as const;
  const sample = (shape: number[], mean: number, std: number, seed: number): (() => Tensor) =>
    () => randomNormal(shape, mean, std, { seed });
  return [
    {
      kernel: K,
      title: 'values pinned from hashU32 (Box–Muller)',
      run: () => expectKernel('RandomNormal seed 0', sample([2], 0, 1, 0),
        { data: Float64Array.of(-0.5260936709954241, 2.0980700787416793), shape: [2] }, APPROX),
    },
    {
      kernel: K,
      title: 'same seed gives the same values, another seed other values',
      run: async () => {
        const a = await read(sample([65], 0, 1, 3)), b = await read(sample([65], 0, 1, 3)), c = await read(sample([65], 0, 1, 4));
        for (let i = 0; i < 65; i++) if (a.data[i] !== b.data[i]) throw new Error(`RandomNormal: seed 3 differs at ${i}`);
        if (Array.from(a.data).filter((v, i) => v === c.data[i]).length > 1) throw new Error('RandomNormal: seeds 3 and 4 agree');
      },
    },
    {
      kernel: K,
      title: 'moments of 10000 samples: mean and std follow the arguments',
      run: async () => {
        const { data } = await read(sample([100, 100], 2, 0.5, 77));
        const m = moments(data);
        // 4σ bounds: σ(mean) = 0.5/100, σ(std) ≈ 0.5/√(2n).
        within('normal mean', m.mean, 2, 0.02);
        within('normal std', Math.sqrt(m.variance), 0.5, 0.0142);
        if (!Array.from(data).every(Number.isFinite)) throw new Error('RandomNormal: non-finite sample');
      },
    },
  ];
}

export function creationCases(): ConformanceCase[] {
  return [...fillCases(), ...uniformCases(), ...normalCases()];
}
