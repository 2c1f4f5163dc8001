/**
 * A recurrent layer call (RNN/LSTM/GRU `forward`) recorded whole: the tracer stops listening to
 * kernels while the layer runs (fused kernels or the composite per-step path alike) and emits
 * one ONNX RNN/LSTM/GRU node per layer, both directions in one node, from the layer's weights
 * (graph/recurrent.ts). `lengths` become `sequence_lens`; `h0`/`c0` the initial states.
 */
import type { RecurrentBase, RecurrentForwardOptions } from '@recur/recurrent';
import type { Tensor } from '@recur/tensor';
import type { HostTensor } from '../graph/builder.js';
import { emitRecurrent } from '../graph/recurrent.js';
import { recurrentSpec } from '../modules.js';
import type { TraceGraph, TracedValue } from './context.js';
import { staticDim } from './symbolic.js';

/** What the tracer gives the layer emitter. */
export interface LayerCallScope {
  cx: TraceGraph;
  weights: Record<string, HostTensor>;
  valueOf(t: Tensor): TracedValue;
  lengthsValue(lengths: RecurrentForwardOptions['lengths'], path: string): string;
  register(t: Tensor, v: TracedValue): void;
}

/**
 * Emits the layer call `m.forward(input, opts)` that returned `out`, under module path `path`.
 *
 * @example
 * // inside the tracer's wrapper of lstm.forward:
 * emitLayerCall(scope, lstm, 'encoder.rnn', x, { lengths }, lstm.forward(x, { lengths }));
 */
export function emitLayerCall(
  s: LayerCallScope, m: RecurrentBase, path: string, input: Tensor, opts: RecurrentForwardOptions,
  out: { output: Tensor; hN: Tensor; cN?: Tensor },
): void {
  const { cx } = s;
  const spec = recurrentSpec(m);
  const D = spec.bidirectional ? 2 : 1;
  const x = s.valueOf(input);
  const [T, B] = m.batchFirst ? [x.sym[1]!, x.sym[0]!] : [x.sym[0]!, x.sym[1]!];
  const name = path || spec.mode;
  const saved = cx.path;
  cx.path = name;
  try {
    const xt = m.batchFirst ? cx.node1('Transpose', [x.name], { perm: [1, 0, 2] }) : x.name;
    const r = emitRecurrent(cx.g, spec, s.weights, {
      x: xt,
      sequenceLens: opts.lengths === undefined ? undefined : s.lengthsValue(opts.lengths, path),
      h0: opts.h0 ? s.valueOf(opts.h0).name : undefined,
      c0: opts.c0 ? s.valueOf(opts.c0).name : undefined,
    }, { prefix: path ? `${path}.` : '', name });
    const DH = staticDim(D * spec.hiddenSize), LD = staticDim(spec.numLayers * D), H = staticDim(spec.hiddenSize);
    const y = m.batchFirst ? cx.node1('Transpose', [r.y], { perm: [1, 0, 2] }) : r.y;
    s.register(out.output, { name: y, sym: m.batchFirst ? [B, T, DH] : [T, B, DH], dtype: 'float32' });
    s.register(out.hN, { name: r.hN, sym: [LD, B, H], dtype: 'float32' });
    if (out.cN && r.cN) s.register(out.cN, { name: r.cN, sym: [LD, B, H], dtype: 'float32' });
  } finally {
    cx.path = saved;
  }
}
