/**
 * A fused `LSTMSequence`/`GRUSequence`/`RNNSequence` kernel met outside a recurrent layer call
 * (a model that calls `lstmSequence()` itself) → one single-direction ONNX LSTM/GRU/RNN node.
 * The kernel takes the input already projected (xProj = x·W_ihᵀ + b, PyTorch gate order), so the
 * node's W is the gate permutation matrix (ONNX gate order ← PyTorch order), R is W_hh with its
 * gate blocks gathered into ONNX order, and `sequence_lens` is the number of ones in each
 * column of the kernel's prefix mask. Layer calls (the usual path) do not come here: the tracer
 * records them whole, one node per layer with both directions (layer-call.ts).
 */
import { inputsOf } from '@recur/tensor/backend';
import type { TraceGraph, TracedValue } from './context.js';
import type { KernelEmitter } from './kernel-emitters.js';
import { staticDim } from './symbolic.js';
import { activationsFor, type RecurrentMode } from '../graph/recurrent.js';
import { DataType } from '../proto/codec.js';

const GATES: Record<RecurrentMode, number> = { lstm: 4, gru: 3, rnn: 1 };
/** Source gate block (PyTorch order) of each ONNX gate block (as graph/recurrent.ts). */
const ORDER: Record<RecurrentMode, number[]> = { lstm: [0, 3, 1, 2], gru: [1, 0, 2], rnn: [0] };
const OP: Record<RecurrentMode, string> = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' };

function gateRows(mode: RecurrentMode, H: number): number[] {
  return ORDER[mode].flatMap((from) => Array.from({ length: H }, (_, h) => from * H + h));
}

/** [1, G, G]: row r of ONNX gate order picks column rows[r] of xProj. */
function permutation(cx: TraceGraph, rows: number[]): string {
  const G = rows.length, m = new Float32Array(G * G);
  rows.forEach((c, r) => (m[r * G + c] = 1));
  return cx.constant(m, [1, G, G], 'float32', 'W_gate_permutation');
}

const KERNEL = { lstm: 'LSTMSequence', gru: 'GRUSequence', rnn: 'RNNSequence' } as const;
type SequenceInputs = { xProj: TracedValue; wHh: TracedValue; h0: TracedValue; mask: TracedValue; bHh?: TracedValue; c0?: TracedValue };

export function emitFusedSequence<M extends RecurrentMode>(mode: M): KernelEmitter<(typeof KERNEL)[M]> {
  return (cx, ins, attrs) => {
    // Inputs by name (the kernels' contracts): GRU adds bHh, LSTM adds c0.
    const kernel: (typeof KERNEL)[RecurrentMode] = KERNEL[mode];
    const { xProj, wHh, bHh, h0, c0, mask }: SequenceInputs = inputsOf(kernel, ins);
    const G = xProj.sym[2]!.k, H = G / GATES[mode];
    const rows = gateRows(mode, H);
    const idx = cx.int64s(rows, 'gate_rows');
    const unsq = (v: string) => cx.node1('Unsqueeze', [v, cx.int64s([0], 'axes')]);
    const R = unsq(cx.node1('Gather', [wHh.name, idx], { axis: 0 }));
    const B = bHh ? unsq(cx.node1('Concat', [cx.constant(new Float32Array(G), [G], 'float32', 'Wb_zero'), cx.node1('Gather', [bHh.name, idx], { axis: 0 })], { axis: 0 })) : '';
    const lens = cx.node1('Cast', [cx.node1('ReduceSum', [mask.name, cx.int64s([0], 'axes')], { keepdims: 0 })], { to: DataType.INT32 });
    const attrsOut: Record<string, number | string | string[]> = {
      hidden_size: H, direction: 'forward',
      activations: activationsFor({ mode, nonlinearity: 'nonlinearity' in attrs ? attrs.nonlinearity : 'tanh' }),
    };
    if (mode === 'gru') attrsOut.linear_before_reset = 1;
    const inputs = [xProj.name, permutation(cx, rows), R, B, lens, unsq(h0.name), ...(c0 ? [unsq(c0.name)] : [])];
    const [y, yh, yc] = cx.node(OP[mode], inputs, attrsOut, mode === 'lstm' ? 3 : 2);
    const squeeze = (v: string, axis: number) => cx.node1('Squeeze', [v, cx.int64s([axis], 'axes')]);
    const [T, Bd] = [xProj.sym[0]!, xProj.sym[1]!];
    const out = [
      { name: squeeze(y!, 1), sym: [T, Bd, staticDim(H)] },
      { name: squeeze(yh!, 0), sym: h0.sym },
    ];
    if (mode === 'lstm') out.push({ name: squeeze(yc!, 0), sym: h0.sym });
    // The backward state outputs (gates, cells / hLin) have no ONNX counterpart; '' makes any use an error.
    const extra = mode === 'lstm' ? 2 : mode === 'gru' ? 2 : 0;
    for (let i = 0; i < extra; i++) out.push({ name: '', sym: [] });
    return out;
  };
}
