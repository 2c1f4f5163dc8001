/** Opset range, and the exporter's CUDA-fallback warnings, each naming the node. */
import { GRU, LSTM, RNN } from '@recur/recurrent';
import { memory, randomNormal } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { AttributeType, checkModel, cudaFallbackWarnings, decodeModel, exportOnnx, type ModelProto } from '../src/index.js';
import { verifyOnnx } from '../src/node/index.js';

/** The example every recurrent export here traces: x [4, 2, 3] with lengths [4, 2], seq and batch dynamic. */
const X = () => randomNormal([4, 2, 3], 0, 1, { seed: 2 });
const AXES = { input: { 0: 'seq', 1: 'batch' }, lengths: { 0: 'batch' } };

async function exportRnn(m: RNN | LSTM | GRU, opts: { opset?: number } = {}) {
  const x = X();
  try {
    return await exportOnnx(m, { inputs: [x, { lengths: [4, 2] }], dynamicAxes: AXES, ...opts });
  } finally {
    x.dispose();
  }
}

async function parity(m: RNN | LSTM | GRU, bytes: Uint8Array): Promise<number> {
  const x = X();
  const r = await verifyOnnx(m, bytes, { inputs: [x, { lengths: [4, 2] }] });
  x.dispose();
  return r.maxAbsDiff;
}

describe('opsets', () => {
  it.each([14, 17, 21])('opset %i: no warnings, runs on ORT within 1e-5', async (opset) => {
    const m = new GRU({ inputSize: 3, hiddenSize: 2, bidirectional: true, seed: opset }).eval();
    const { bytes, warnings, model } = await exportRnn(m, { opset });
    expect(warnings).toEqual([]);
    expect(model.opsetImport).toEqual([{ domain: '', version: opset }]);
    expect(checkModel(bytes)).toEqual([]);
    expect(await parity(m, bytes)).toBeLessThanOrEqual(1e-5);
    m.dispose();
  });

  it('opset 22 is exported, warns once per recurrent node by name, and still runs on the CPU', async () => {
    const before = memory().tensors;
    const m = new LSTM({ inputSize: 3, hiddenSize: 2, numLayers: 2, seed: 1 }).eval();
    const { bytes, warnings } = await exportRnn(m, { opset: 22 });
    expect(warnings).toEqual([
      expect.stringMatching(/^LSTM node 'lstm\/LSTM_l0': opset 22 .* no CUDA kernel .*runs it on the CPU/),
      expect.stringMatching(/^LSTM node 'lstm\/LSTM_l1': opset 22 /),
    ]);
    expect(await parity(m, bytes)).toBeLessThanOrEqual(1e-5);
    m.dispose();
    expect(memory().tensors).toBe(before);
  });

  it.each([13, 23, 17.5])('opset %s is refused', async (opset) => {
    const m = new RNN({ inputSize: 3, hiddenSize: 2 });
    await expect(exportRnn(m, { opset })).rejects.toThrow(new RegExp(`opset ${opset} is outside 14–22`));
    m.dispose();
  });
});

describe('training mode', () => {
  it('exporting a model still in training mode warns that dropout becomes the identity', async () => {
    const m = new LSTM({ inputSize: 3, hiddenSize: 2, numLayers: 2, dropout: 0.5, seed: 1 });
    expect((await exportRnn(m)).warnings).toEqual([expect.stringMatching(/^LSTM is in training mode; .*dropout is the identity.*model\.eval\(\)/)]);
    expect(m.training).toBe(true);
    expect((await exportRnn(m.eval())).warnings).toEqual([]);
    m.dispose();
  });
});

describe('CUDA-fallback warnings', () => {
  it('a ReLU RNN is exported with activations [Relu], warned per node, and matches Recur on the CPU', async () => {
    const m = new RNN({ inputSize: 3, hiddenSize: 2, numLayers: 2, bidirectional: true, nonlinearity: 'relu', seed: 4 }).eval();
    const { bytes, warnings, model } = await exportRnn(m);
    expect(warnings).toEqual([
      "RNN node 'rnn/RNN_l0': activations [Relu, Relu] differ from the default [Tanh]; ORT's CUDA provider runs it on the CPU",
      "RNN node 'rnn/RNN_l1': activations [Relu, Relu] differ from the default [Tanh]; ORT's CUDA provider runs it on the CPU",
    ]);
    expect(model.graph.node.find((n) => n.opType === 'RNN')!.attribute.find((a) => a.name === 'activations')!.strings!.map((s) => new TextDecoder().decode(s))).toEqual(['Relu', 'Relu']);
    expect(await parity(m, bytes)).toBeLessThanOrEqual(1e-5);
    m.dispose();
  });

  it('names clip, peepholes, input_forget, missing activations and GRU reset modes', async () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 2, seed: 1 }), gru = new GRU({ inputSize: 3, hiddenSize: 2, seed: 1 });
    const a = decodeModel((await exportRnn(lstm)).bytes), b = decodeModel((await exportRnn(gru)).bytes);
    lstm.dispose();
    gru.dispose();
    const node = (m: ModelProto, op: string) => m.graph.node.find((n) => n.opType === op)!;
    const l = node(a, 'LSTM');
    l.attribute.push({ name: 'clip', type: AttributeType.FLOAT, f: 3 }, { name: 'input_forget', type: AttributeType.INT, i: 1 });
    while (l.input.length < 8) l.input.push('');
    l.input[7] = 'peepholes';
    l.attribute = l.attribute.filter((x) => x.name !== 'activations');
    expect(cudaFallbackWarnings(a)).toEqual([
      "LSTM node 'lstm/LSTM_l0': has 'clip'; ORT's CUDA provider runs it on the CPU",
      "LSTM node 'lstm/LSTM_l0': 'activations' is not written; ORT's CUDA LSTM kernel requires it explicitly",
      "LSTM node 'lstm/LSTM_l0': input_forget=1; ORT's CUDA provider runs it on the CPU",
      "LSTM node 'lstm/LSTM_l0': has peepholes (input P 'peepholes'); ORT's CUDA provider runs it on the CPU",
    ]);
    const g = node(b, 'GRU');
    expect(g.attribute.find((x) => x.name === 'linear_before_reset')).toMatchObject({ type: AttributeType.INT, i: 1 });
    g.attribute.find((x) => x.name === 'linear_before_reset')!.i = 0;
    expect(cudaFallbackWarnings(b)).toEqual(["GRU node 'gru/GRU_l0': linear_before_reset=0; ORT's CUDA provider runs it on the CPU"]);
    g.attribute = g.attribute.filter((x) => x.name !== 'linear_before_reset');
    expect(cudaFallbackWarnings(b)[0]).toMatch(/'linear_before_reset' is omitted/);
  });
});
