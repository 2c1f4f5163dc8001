/**
 * Test helpers for the fused recurrent kernels: a float64 reference of the layer equations written
 * step by step on plain arrays (independent of the kernels), seeded data, and finite differences.
 */
export type Kind = 'lstm' | 'gru' | 'rnn-tanh' | 'rnn-relu';

export interface Case {
  kind: Kind;
  T: number;
  B: number;
  H: number;
  lengths: number[];
  xProj: number[];
  wHh: number[];
  bHh: number[]; // GRU only (length 3H), else []
  h0: number[];
  c0: number[]; // LSTM only, else []
}

export const gatesOf = (kind: Kind) => (kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1);

/** Deterministic uniform numbers in [-scale, scale) (mulberry32). */
export function rand(n: number, seed: number, scale = 1): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out.push(((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale);
  }
  return out;
}

/** A seeded case; `wScale` bounds W_hh (keep it near 1/√H for long Elman sequences, which are chaotic otherwise). */
export function makeCase(kind: Kind, T: number, B: number, H: number, lengths: number[], seed: number, wScale = 0.8): Case {
  const G = gatesOf(kind) * H;
  return {
    kind, T, B, H, lengths,
    xProj: rand(T * B * G, seed, 1.5),
    wHh: rand(G * H, seed + 1, wScale),
    bHh: kind === 'gru' ? rand(G, seed + 2, 0.5) : [],
    h0: rand(B * H, seed + 3, 0.9),
    c0: kind === 'lstm' ? rand(B * H, seed + 4, 0.9) : [],
  };
}

export function maskOf(c: Case): number[] {
  const m: number[] = [];
  for (let t = 0; t < c.T; t++) for (let b = 0; b < c.B; b++) m.push(t < c.lengths[b]! ? 1 : 0);
  return m;
}

const sig = (x: number) => 1 / (1 + Math.exp(-x));

/** Forward pass of the reference: y [T,B,H] flat, final h and c. */
export function reference(c: Case): { y: number[]; hN: number[]; cN: number[] } {
  const { T, B, H, kind } = c;
  const G = gatesOf(kind) * H;
  const y = new Array<number>(T * B * H).fill(0);
  const h = c.h0.slice(), cs = c.c0.slice();
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < c.lengths[b]!; t++) {
      const hp = h.slice(b * H, b * H + H);
      // hw[q] = Σ_k W_hh[q, k] h[k]
      const hw = Array.from({ length: G }, (_, q) => hp.reduce((s, hk, k) => s + c.wHh[q * H + k]! * hk, 0));
      const x = (q: number) => c.xProj[(t * B + b) * G + q]!;
      for (let j = 0; j < H; j++) {
        let hn: number;
        if (kind === 'lstm') {
          const i = sig(x(j) + hw[j]!), f = sig(x(H + j) + hw[H + j]!);
          const g = Math.tanh(x(2 * H + j) + hw[2 * H + j]!), o = sig(x(3 * H + j) + hw[3 * H + j]!);
          cs[b * H + j] = f * cs[b * H + j]! + i * g;
          hn = o * Math.tanh(cs[b * H + j]!);
        } else if (kind === 'gru') {
          const r = sig(x(j) + hw[j]! + c.bHh[j]!), z = sig(x(H + j) + hw[H + j]! + c.bHh[H + j]!);
          const n = Math.tanh(x(2 * H + j) + r * (hw[2 * H + j]! + c.bHh[2 * H + j]!));
          hn = (1 - z) * n + z * hp[j]!;
        } else {
          const pre = x(j) + hw[j]!;
          hn = kind === 'rnn-tanh' ? Math.tanh(pre) : Math.max(pre, 0);
        }
        y[(t * B + b) * H + j] = hn;
        h[b * H + j] = hn;
      }
    }
  }
  return { y, hN: h, cN: cs };
}

export interface Cotangents {
  dy: number[];
  dhN: number[];
  dcN: number[];
}

export function cotangents(c: Case, seed: number): Cotangents {
  return {
    dy: rand(c.T * c.B * c.H, seed, 1),
    dhN: rand(c.B * c.H, seed + 1, 1),
    dcN: c.kind === 'lstm' ? rand(c.B * c.H, seed + 2, 1) : [],
  };
}

/** ⟨dy, y⟩ + ⟨dhN, hN⟩ + ⟨dcN, cN⟩ through the reference. */
export function loss(c: Case, u: Cotangents): number {
  const r = reference(c);
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  return dot(u.dy, r.y) + dot(u.dhN, r.hN) + dot(u.dcN, r.cN);
}

type Field = 'xProj' | 'wHh' | 'bHh' | 'h0' | 'c0';

/** Central-difference gradient of `loss` with respect to one input field. */
export function numericGrad(c: Case, u: Cotangents, field: Field, eps = 1e-6): number[] {
  return c[field].map((_, i) => {
    const plus = { ...c, [field]: c[field].slice() }, minus = { ...c, [field]: c[field].slice() };
    plus[field][i]! += eps;
    minus[field][i]! -= eps;
    return (loss(plus, u) - loss(minus, u)) / (2 * eps);
  });
}

/** Largest |a - b| / (atol + rtol·|b|); ≤ 1 means close. */
export function worst(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!)));
  return w;
}
