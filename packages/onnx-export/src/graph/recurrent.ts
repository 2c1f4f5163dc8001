/**
 * PyTorch-layout RNN/LSTM/GRU weights → ONNX recurrent nodes, one node per layer with both
 * directions in it (ONNX.md B.2, B.8): gate blocks reordered (LSTM i,f,g,o → i,o,f,c; GRU r,z,n →
 * z,r,h), `B = [b_ih ; b_hh]`, `activations` always written, GRU `linear_before_reset=1`, layout 0
 * (time-major) with any batch-first Transpose left to the caller, weights as initializers.
 */
import type { GraphBuilder, HostTensor } from './builder.js';

export type RecurrentMode = 'lstm' | 'gru' | 'rnn';

/** What the ONNX emitter needs to know about a recurrent layer. */
export interface RecurrentSpec {
  mode: RecurrentMode;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  bias: boolean;
  /** RNN only (default 'tanh'); 'relu' is valid ONNX but makes ORT's CUDA provider fall back to CPU. */
  nonlinearity?: 'tanh' | 'relu';
}

/** Value names feeding the recurrent stack (all time-major; '' or undefined = absent). */
export interface RecurrentInputs {
  /** [T, B, I] */
  x: string;
  /** int32 [B] */
  sequenceLens?: string;
  /** [L·D, B, H] */
  h0?: string;
  /** LSTM only, [L·D, B, H] */
  c0?: string;
}

export interface RecurrentValues {
  /** [T, B, D·H], zero past each sequence length. */
  y: string;
  /** [L·D, B, H], PyTorch's h_n order (layer-major, then direction). */
  hN: string;
  /** LSTM only: [L·D, B, H]. */
  cN?: string;
  /** Y_h of the last layer, [D, B, H]. */
  lastLayerH: string;
}

const GATE_COUNT: Record<RecurrentMode, number> = { lstm: 4, gru: 3, rnn: 1 };
/** Source block (PyTorch order) for each ONNX gate block. */
const GATE_ORDER: Record<RecurrentMode, number[]> = { lstm: [0, 3, 1, 2], gru: [1, 0, 2], rnn: [0] };
const OP: Record<RecurrentMode, string> = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' };

/** The per-direction `activations` ONNX expects (the defaults, written out: ORT's CUDA kernels require them). */
export function activationsFor(spec: Pick<RecurrentSpec, 'mode' | 'nonlinearity'>): string[] {
  if (spec.mode === 'lstm') return ['Sigmoid', 'Tanh', 'Tanh'];
  if (spec.mode === 'gru') return ['Sigmoid', 'Tanh'];
  return [spec.nonlinearity === 'relu' ? 'Relu' : 'Tanh'];
}

/** PyTorch state_dict key of one recurrent weight, e.g. `weight_ih_l1_reverse`. */
export function torchKey(kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh', layer: number, reverse: boolean): string {
  return `${kind}_l${layer}${reverse ? '_reverse' : ''}`;
}

/** Rows of `t` ([G·H] or [G·H, C]) with gate blocks reordered PyTorch → ONNX. */
export function reorderGates(t: HostTensor, mode: RecurrentMode, H: number): Float32Array {
  const G = GATE_COUNT[mode];
  if (t.shape[0] !== G * H) throw new Error(`reorderGates(${mode}): expected ${G}·${H} = ${G * H} rows, got [${t.shape.join(', ')}]`);
  const cols = t.shape.length === 2 ? t.shape[1]! : 1;
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length);
  GATE_ORDER[mode].forEach((from, to) => {
    out.set(src.subarray(from * H * cols, (from + 1) * H * cols), to * H * cols);
  });
  return out;
}

function concatF32(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function weight(weights: Record<string, HostTensor>, prefix: string, key: string): HostTensor {
  const t = weights[prefix + key];
  if (!t) throw new Error(`exportRecurrent: missing weight '${prefix + key}' (have: ${Object.keys(weights).join(', ')})`);
  if (!(t.data instanceof Float32Array)) throw new Error(`exportRecurrent: '${prefix + key}' must be float32`);
  return t;
}

/**
 * Emits the recurrent stack. `weights` holds PyTorch state_dict entries under `prefix`
 * (e.g. `rnn.weight_ih_l0`); `name` prefixes node and initializer names (e.g. `rnn`).
 *
 * @example
 * const { y, hN } = emitRecurrent(g, spec, hostWeights, { x: 'x_tm', sequenceLens: 'lengths' }, { prefix: 'rnn.', name: 'rnn' });
 */
export function emitRecurrent(
  g: GraphBuilder, spec: RecurrentSpec, weights: Record<string, HostTensor>, inputs: RecurrentInputs,
  opts: { prefix?: string; name?: string } = {},
): RecurrentValues {
  const { mode, hiddenSize: H, numLayers: L } = spec;
  const D = spec.bidirectional ? 2 : 1;
  const prefix = opts.prefix ?? '', name = opts.name ?? OP[mode].toLowerCase();
  if (mode !== 'lstm' && inputs.c0) throw new Error(`emitRecurrent: c0 is only for LSTM, got mode '${mode}'`);
  const G = GATE_COUNT[mode] * H;
  const acts = activationsFor(spec);
  let x = inputs.x;
  const yH: string[] = [], yC: string[] = [];
  for (let l = 0; l < L; l++) {
    const I = l === 0 ? spec.inputSize : D * H;
    const W: Float32Array[] = [], R: Float32Array[] = [], Bs: Float32Array[] = [];
    for (let d = 0; d < D; d++) {
      const wIh = weight(weights, prefix, torchKey('weight_ih', l, d === 1));
      const wHh = weight(weights, prefix, torchKey('weight_hh', l, d === 1));
      if (wIh.shape.join() !== `${G},${I}` || wHh.shape.join() !== `${G},${H}`) {
        throw new Error(`emitRecurrent: layer ${l} weights are [${wIh.shape.join(', ')}] and [${wHh.shape.join(', ')}], expected [${G}, ${I}] and [${G}, ${H}]`);
      }
      W.push(reorderGates(wIh, mode, H));
      R.push(reorderGates(wHh, mode, H));
      if (spec.bias) {
        Bs.push(reorderGates(weight(weights, prefix, torchKey('bias_ih', l, d === 1)), mode, H));
        Bs.push(reorderGates(weight(weights, prefix, torchKey('bias_hh', l, d === 1)), mode, H));
      }
    }
    const w = g.initializer(`${name}.W_l${l}`, { shape: [D, G, I], data: concatF32(W) });
    const r = g.initializer(`${name}.R_l${l}`, { shape: [D, G, H], data: concatF32(R) });
    const b = spec.bias ? g.initializer(`${name}.B_l${l}`, { shape: [D, 2 * G], data: concatF32(Bs) }) : '';
    const layerState = (s: string | undefined, what: string) => {
      if (!s) return '';
      if (L === 1) return s;
      const [out] = g.node('Slice', [s, g.int64s(`${name}.${what}_start_l${l}`, [l * D]), g.int64s(`${name}.${what}_end_l${l}`, [(l + 1) * D]), g.int64s(`${name}.${what}_axes_l${l}`, [0])], {}, { name: `${name}/${what}_l${l}` });
      return out!;
    };
    const attrs: Record<string, number | string | string[]> = {
      hidden_size: H,
      direction: D === 2 ? 'bidirectional' : 'forward',
      activations: Array.from({ length: D }, () => acts).flat(),
    };
    if (mode === 'gru') attrs.linear_before_reset = 1;
    const ins = [x, w, r, b, inputs.sequenceLens ?? '', layerState(inputs.h0, 'h0')];
    if (mode === 'lstm') ins.push(layerState(inputs.c0, 'c0'));
    const outs = g.node(OP[mode], ins, attrs, { name: `${name}/${OP[mode]}_l${l}`, numOutputs: mode === 'lstm' ? 3 : 2 });
    const [y4, h, c] = outs as [string, string, string?];
    yH.push(h);
    if (c) yC.push(c);
    // Y [T, D, B, H] → [T, B, D, H] → [T, B, D·H]: the next layer's input (PyTorch PR #11368's fix).
    const [yT] = g.node('Transpose', [y4], { perm: [0, 2, 1, 3] }, { name: `${name}/Y_transpose_l${l}` });
    [x] = g.node('Reshape', [yT!, g.int64s(`${name}.y_shape_l${l}`, [0, 0, D * H])], {}, { name: `${name}/Y_reshape_l${l}` }) as [string];
  }
  const cat = (parts: string[], what: string) => (parts.length === 1 ? parts[0]! : g.node('Concat', parts, { axis: 0 }, { name: `${name}/${what}_concat` })[0]!);
  return { y: x, hN: cat(yH, 'h_n'), ...(mode === 'lstm' ? { cN: cat(yC, 'c_n') } : {}), lastLayerH: yH[L - 1]! };
}
