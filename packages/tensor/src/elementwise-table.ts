/**
 * One table for elementwise math, shared by the CPU backend (JS lambdas) and the WebGPU backend
 * (WGSL expressions over `a`, `b`), so the two cannot drift apart.
 */
export interface UnaryEntry {
  cpu: (a: number) => number;
  /** WGSL expression in `a` (f32). */
  wgsl: string;
}
export interface BinaryEntry {
  cpu: (a: number, b: number) => number;
  wgsl: string;
}

// Stable sigmoid: never exponentiates a large positive number.
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export const UNARY_TABLE: Record<string, UnaryEntry> = {
  Neg: { cpu: (a) => -a, wgsl: '-a' },
  Exp: { cpu: Math.exp, wgsl: 'exp(a)' },
  Log: { cpu: Math.log, wgsl: 'log(a)' },
  Sqrt: { cpu: Math.sqrt, wgsl: 'sqrt(a)' },
  Tanh: { cpu: Math.tanh, wgsl: 'stable_tanh(a)' },
  Sigmoid: { cpu: sigmoid, wgsl: 'stable_sigmoid(a)' },
  // NaN propagates through relu as in PyTorch.
  Relu: { cpu: (a) => (a > 0 ? a : a === a ? 0 : a), wgsl: 'select(select(0.0, a, a > 0.0), a, a != a)' },
  Abs: { cpu: Math.abs, wgsl: 'abs(a)' },
};

export const BINARY_TABLE: Record<string, BinaryEntry> = {
  Add: { cpu: (a, b) => a + b, wgsl: 'a + b' },
  Sub: { cpu: (a, b) => a - b, wgsl: 'a - b' },
  Mul: { cpu: (a, b) => a * b, wgsl: 'a * b' },
  Div: { cpu: (a, b) => a / b, wgsl: 'a / b' },
  // NaN-propagating maximum, as torch.maximum.
  Maximum: { cpu: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b), wgsl: 'nan_max(a, b)' },
  Pow: { cpu: Math.pow, wgsl: 'safe_pow(a, b)' },
  Less: { cpu: (a, b) => (a < b ? 1 : 0), wgsl: 'select(0.0, 1.0, a < b)' },
  Equal: { cpu: (a, b) => (a === b ? 1 : 0), wgsl: 'select(0.0, 1.0, a == b)' },
};

/** Helper functions the WGSL expressions above rely on. */
export const WGSL_ELEMENTWISE_HELPERS = /* wgsl */ `
fn stable_sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn stable_tanh(x: f32) -> f32 {
  if (x != x) { return x; }
  if (abs(x) > 15.0) { return sign(x); }
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}
fn nan_max(a: f32, b: f32) -> f32 {
  if (a != a || b != b) { return a + b; }
  return max(a, b);
}
fn safe_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a < 0.0 && floor(b) == b) {
    let m = pow(-a, b);
    if ((i32(b) & 1) == 1) { return -m; }
    return m;
  }
  return pow(a, b);
}
`;
