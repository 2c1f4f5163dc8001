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
  Exp: { cpu: Math.exp, wgsl: 'safe_exp(a)' },
  Log: { cpu: Math.log, wgsl: 'safe_log(a)' },
  Sqrt: { cpu: Math.sqrt, wgsl: 'safe_sqrt(a)' },
  Tanh: { cpu: Math.tanh, wgsl: 'stable_tanh(a)' },
  Sigmoid: { cpu: sigmoid, wgsl: 'stable_sigmoid(a)' },
  // NaN propagates through relu as in PyTorch.
  Relu: { cpu: (a) => (a > 0 ? a : a === a ? 0 : a), wgsl: 'select(select(0.0, a, a > 0.0), a, is_nan(a))' },
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

/**
 * Helper functions the WGSL expressions above rely on. NaN tests look at the bits: some drivers
 * (SwiftShader) fold `x != x` to false, and `log` of 0, ±Inf or negatives is implementation-defined.
 */
export const WGSL_ELEMENTWISE_HELPERS = /* wgsl */ `
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// NaN / +Inf built from a runtime value so no compiler folds them as constants.
fn nan_like(x: f32) -> f32 { return bitcast<f32>(0x7fc00000u | (bitcast<u32>(x) & 0u)); }
fn inf_like(x: f32) -> f32 { return bitcast<f32>(0x7f800000u | (bitcast<u32>(x) & 0u)); }
fn safe_log(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_like(x); }
  if (x == 0.0) { return -inf_like(x); }
  if (is_inf(x)) { return x; }
  return log(x);
}
fn safe_exp(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  return exp(x);
}
fn safe_sqrt(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_like(x); }
  if (is_inf(x)) { return x; }
  return sqrt(x);
}
fn stable_sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn stable_tanh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (abs(x) > 15.0) { return sign(x); }
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}
fn nan_max(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return nan_like(a); }
  return max(a, b);
}
fn safe_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan_like(a); }
  if (a == 0.0 && b < 0.0) { // pow(±0, negative) = ±Inf, the sign kept only for odd integer b
    let odd = floor(b) == b && !is_inf(b) && abs(b) < 16777216.0 && (i32(b) & 1) != 0;
    return select(inf_like(a), -inf_like(a), odd && (bitcast<u32>(a) & 0x80000000u) != 0u);
  }
  if (a < 0.0 && floor(b) != b && !is_inf(b)) { return nan_like(a); }
  if (a < 0.0 && floor(b) == b) {
    let m = pow(-a, b);
    if ((i32(b) & 1) == 1) { return -m; }
    return m;
  }
  return pow(a, b);
}
`;
