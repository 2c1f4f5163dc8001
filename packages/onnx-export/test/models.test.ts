/**
 * Issue 14's list of user-defined models: each is exported by tracing, passes the TS checker,
 * has the expected recurrent nodes (one per layer), and matches Recur on onnxruntime CPU within
 * 1e-5 on the example and on random inputs of other dynamic sizes.
 */
import { GRU, LSTM, Module, RNN } from '@recur/recurrent';
import { add, arange, memory, randomNormal, reshape, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { checkModel, exportOnnx } from '../src/index.js';
import { verifyOnnx } from '../src/node/index.js';
import { disposeArgs } from './helpers.js';
import { ZOO } from './zoo.js';

describe('user-defined models export by tracing and match Recur on onnxruntime', () => {
  const diffs: Array<[string, number]> = [];
  it.each(ZOO)('$name', async (c) => {
    const before = memory().tensors;
    const model = c.make().eval();
    const inputs = c.inputs();
    try {
      const { bytes, warnings, model: proto } = await exportOnnx(model, { inputs, inputNames: c.inputNames, outputNames: c.outputNames, dynamicAxes: c.dynamicAxes });
      expect(checkModel(bytes)).toEqual([]);
      expect(warnings.filter((w) => !/activations \[Relu\]/.test(w))).toEqual([]);
      for (const [op, n] of Object.entries(c.expectOps ?? {})) expect([op, proto.graph.node.filter((x) => x.opType === op).length]).toEqual([op, n]);
      const r = await verifyOnnx(model, bytes, { inputs });
      expect(r.runs.length).toBe(Object.keys(c.dynamicAxes).length ? 3 : 1);
      expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-5);
      diffs.push([c.name, r.maxAbsDiff]);
    } finally {
      disposeArgs(inputs);
      model.dispose();
    }
    expect(memory().tensors).toBe(before);
  });

  it('reports the differences', () => {
    expect(diffs.length).toBe(ZOO.length);
    for (const [n, d] of diffs) console.log(`${d.toExponential(2)}  ${n}`);
  });
});

/** A module whose forward adds noise (RandomNormal has no ONNX mapping), nested as `encoder.noise`. */
class Noise extends Module {
  forward(x: Tensor): Tensor {
    return add(x, randomNormal(x.shape, 0, 0.1)); // (T, B, F)
  }
}
class Encoder extends Module {
  noise = this.module('noise', new Noise());
  forward(x: Tensor): Tensor {
    return this.noise.forward(x);
  }
}
class Noisy extends Module {
  encoder = this.module('encoder', new Encoder());
  forward(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }
}

/** Adds a time index built on the host with the example's T: fine for that T, frozen for others. */
class TimeIndex extends Module {
  forward(x: Tensor): Tensor {
    return add(x, reshape(arange(x.shape[0]!), [x.shape[0]!, 1, 1])); // (T, B, F)
  }
}

describe('opsets', () => {
  it.each([14, 17, 18, 21])('opset %i: the pooling classifier (ReduceMax axes as attribute < 18, as input ≥ 18) matches', async (opset) => {
    const c = ZOO[1]!;
    const model = c.make().eval();
    const inputs = c.inputs();
    const { bytes } = await exportOnnx(model, { inputs, inputNames: c.inputNames, dynamicAxes: c.dynamicAxes, opset });
    expect(checkModel(bytes)).toEqual([]);
    expect((await verifyOnnx(model, bytes, { inputs })).maxAbsDiff).toBeLessThanOrEqual(1e-5);
    disposeArgs(inputs);
    model.dispose();
  });
});

describe('refusals', () => {
  it('a kernel without an ONNX mapping is refused with its name, module path and shapes', async () => {
    const before = memory().tensors;
    const m = new Noisy();
    const x = randomNormal([6, 3, 4], 0, 1, { seed: 1 });
    await expect(exportOnnx(m, { inputs: [x] })).rejects.toThrow(
      "exportOnnx: kernel 'RandomNormal' called from 'encoder.noise' with inputs (none) → outputs [6,3,4] has no ONNX mapping: it draws random numbers",
    );
    x.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('a dynamic axis frozen by the trace is an error naming the node', async () => {
    const before = memory().tensors;
    const x = randomNormal([6, 3, 4], 0, 1, { seed: 1 });
    const m = new TimeIndex();
    await expect(exportOnnx(m, { inputs: [x], dynamicAxes: { input: { 0: 'seq', 1: 'batch' } } })).rejects.toThrow(
      /node 'Reshape' \(Reshape\) froze a dynamic size: its constant 'const0' is \[6\] for the example but \[8\] for a second input with seq=8, batch=6/,
    );
    // Static sizes are fine: the same model exports and matches when no axis is declared dynamic.
    const { bytes } = await exportOnnx(m, { inputs: [x] });
    expect((await verifyOnnx(m, bytes, { inputs: [x] })).maxAbsDiff).toBe(0);
    x.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('a padding mask traced from equal lengths is reported as frozen, with the hint to trace unequal ones', async () => {
    const before = memory().tensors;
    const c = ZOO[1]!; // max/mean pooling with a mask built from the host lengths
    const model = c.make().eval();
    const [ids] = c.inputs() as [Tensor, Int32Array];
    await expect(exportOnnx(model, { inputs: [ids, Int32Array.of(6, 6, 6)], inputNames: c.inputNames, dynamicAxes: c.dynamicAxes }))
      .rejects.toThrow(/the graphs part at node 'Reshape' \(Reshape\)[^]*the example's 'lengths' are all equal: a padding mask built from them cannot be told from a constant/);
    ids.dispose();
    model.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('a model in training mode with trainable parameters is traced without the tape and given back as it was', async () => {
    const m = new LSTM({ inputSize: 4, hiddenSize: 3, numLayers: 2, dropout: 0.5, seed: 1 });
    m.parameters()[1]!.requiresGrad = false; // one frozen parameter stays frozen
    const x = randomNormal([5, 3, 4], 0, 1, { seed: 1 });
    const { warnings } = await exportOnnx(m, { inputs: [x] });
    expect(warnings).toEqual([expect.stringMatching(/training mode/)]);
    expect(m.training).toBe(true);
    expect(m.parameters().map((p) => p.requiresGrad)).toEqual(m.parameters().map((_, i) => i !== 1));
    x.dispose();
    m.dispose();
  });

  it('dynamicAxes on outputs are checked, and names that are no input or output refused', async () => {
    const m = new LSTM({ inputSize: 4, hiddenSize: 3, seed: 1 });
    const x = randomNormal([5, 3, 4], 0, 1, { seed: 1 });
    const dyn = { input: { 0: 'seq', 1: 'batch' } };
    await expect(exportOnnx(m, { inputs: [x], dynamicAxes: { ...dyn, output: { 0: 'seq', 1: 'batch' }, hN: { 1: 'batch' } } })).resolves.toBeTruthy();
    await expect(exportOnnx(m, { inputs: [x], dynamicAxes: { ...dyn, hN: { 0: 'layers' } } }))
      .rejects.toThrow("output 'hN' axis 0 is declared dynamic ('layers') but the trace gives it as 1 (shape [1, batch, 3])");
    await expect(exportOnnx(m, { inputs: [x], dynamicAxes: { ...dyn, inptu: { 0: 'seq' } } })).rejects.toThrow("dynamicAxes names 'inptu', which is no input or output");
    x.dispose();
    m.dispose();
  });

  it('an example whose dynamic axes cannot be told apart is refused', async () => {
    const m = new TimeIndex();
    const square = randomNormal([3, 3, 4], 0, 1, { seed: 1 }), single = randomNormal([5, 1, 4], 0, 1, { seed: 1 });
    const dynamicAxes = { input: { 0: 'seq', 1: 'batch' } };
    await expect(exportOnnx(m, { inputs: [square], dynamicAxes })).rejects.toThrow("dynamic axes 'seq' and 'batch' both have size 3 in the example");
    await expect(exportOnnx(m, { inputs: [single], dynamicAxes })).rejects.toThrow("dynamic axis 'batch' has size 1 in the example");
    square.dispose();
    single.dispose();
  });
});

describe('the composite (unfused) recurrent path', () => {
  it.each(['lstm', 'gru', 'rnn'] as const)('%s exports as the same one-node-per-layer graph as the fused path, and matches', async (mode) => {
    const before = memory().tensors;
    const make = (fused: boolean) => {
      const o = { inputSize: 4, hiddenSize: 3, numLayers: 2, bidirectional: true, fused, seed: 40 };
      return (mode === 'lstm' ? new LSTM(o) : mode === 'gru' ? new GRU(o) : new RNN(o)).eval();
    };
    const x = randomNormal([5, 3, 4], 0, 1, { seed: 2 });
    const inputs = [x, { lengths: [5, 1, 3] }];
    const dynamicAxes = { input: { 0: 'seq', 1: 'batch' }, lengths: { 0: 'batch' } };
    const graphs: string[][] = [];
    for (const fused of [true, false]) {
      const m = make(fused);
      const { bytes, model } = await exportOnnx(m, { inputs, dynamicAxes });
      graphs.push(model.graph.node.map((n) => `${n.name}:${n.opType}`));
      expect(model.graph.node.filter((n) => n.opType === mode.toUpperCase()).length).toBe(2);
      expect((await verifyOnnx(m, bytes, { inputs })).maxAbsDiff).toBeLessThanOrEqual(1e-5);
      m.dispose();
    }
    expect(graphs[1]).toEqual(graphs[0]);
    x.dispose();
    expect(memory().tensors).toBe(before);
  });
});
