/**
 * Finds the nodes that onnxruntime's CUDA execution provider would hand back to the CPU (or run
 * with the wrong semantics), from ORT's `RNNNeedFallbackToCPU` rules and kernel registrations as
 * summarised in ONNX.md B.5/B.6. Each warning names the node.
 */
import type { AttributeProto, ModelProto, NodeProto } from './proto/codec.js';

const RECURRENT = new Set(['RNN', 'LSTM', 'GRU']);
const DEFAULT_ACTIVATIONS: Record<string, string[]> = { LSTM: ['sigmoid', 'tanh', 'tanh'], GRU: ['sigmoid', 'tanh'], RNN: ['tanh'] };
const text = new TextDecoder();

function attr(n: NodeProto, name: string): AttributeProto | undefined {
  return n.attribute.find((a) => a.name === name);
}

function describe(n: NodeProto): string {
  return `${n.opType} node '${n.name}'`;
}

/**
 * One line per reason a recurrent node would not run on ORT's CUDA provider as exported.
 *
 * @example
 * cudaFallbackWarnings(decodeModel(bytes));
 * // ["RNN node 'rnn/RNN_l0': activations [Relu] differ from the default [Tanh]; ORT's CUDA provider runs it on the CPU"]
 */
export function cudaFallbackWarnings(model: ModelProto): string[] {
  const opset = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0;
  const out: string[] = [];
  for (const n of model.graph.node) {
    if (!RECURRENT.has(n.opType)) continue;
    const fallback = `ORT's CUDA provider runs it on the CPU`;
    if (opset >= 22) out.push(`${describe(n)}: opset ${opset} makes it ${n.opType}-22, which has no CUDA kernel in onnxruntime (registered up to 14+); ${fallback} (export at opset 14–21)`);
    for (const a of ['clip', 'activation_alpha', 'activation_beta']) {
      if (attr(n, a)) out.push(`${describe(n)}: has '${a}'; ${fallback}`);
    }
    const acts = attr(n, 'activations')?.strings?.map((s) => text.decode(s));
    const want = DEFAULT_ACTIVATIONS[n.opType]!;
    if (!acts) {
      out.push(`${describe(n)}: 'activations' is not written; ORT's CUDA ${n.opType} kernel requires it explicitly`);
    } else if (acts.some((a, i) => a.toLowerCase() !== want[i % want.length])) {
      const pretty = (xs: string[]) => `[${xs.join(', ')}]`;
      out.push(`${describe(n)}: activations ${pretty(acts)} differ from the default ${pretty(want.map((w) => w[0]!.toUpperCase() + w.slice(1)))}; ${fallback}`);
    }
    if (n.opType === 'LSTM') {
      if ((attr(n, 'input_forget')?.i ?? 0) !== 0) out.push(`${describe(n)}: input_forget=1; ${fallback}`);
      if ((n.input[7] ?? '') !== '') out.push(`${describe(n)}: has peepholes (input P '${n.input[7]}'); ${fallback}`);
    }
    if (n.opType === 'GRU') {
      const lbr = attr(n, 'linear_before_reset');
      if (!lbr) out.push(`${describe(n)}: 'linear_before_reset' is omitted (default 0); ORT's CUDA kernel would run it as 1 while the CPU runs 0 — write it explicitly`);
      else if ((lbr.i ?? 0) !== 1) out.push(`${describe(n)}: linear_before_reset=${lbr.i ?? 0}; ${fallback}`);
    }
    if ((attr(n, 'layout')?.i ?? 0) !== 0) out.push(`${describe(n)}: layout=1 is rejected by onnxruntime's CPU and CUDA kernels`);
  }
  return out;
}
