/**
 * ORT CPU vs Recur forward for every recurrent layer type × layers × directions × batchFirst ×
 * equal/unequal lengths (length 1 included), plus initial states, < 1e-5 in float32.
 */
import { GRU, LSTM, RNN, type RecurrentBase } from '@recur/recurrent';
import { dispose, memory, randomNormal } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { checkModel, exportOnnx } from '../src/index.js';
import { verifyOnnx } from '../src/node/index.js';

const T = 5, B = 3, I = 4, H = 3;
const modes = ['rnn', 'lstm', 'gru'] as const;
const make = (mode: (typeof modes)[number], numLayers: number, bidirectional: boolean, batchFirst: boolean, seed: number): RecurrentBase => {
  const o = { inputSize: I, hiddenSize: H, numLayers, bidirectional, batchFirst, seed };
  return mode === 'lstm' ? new LSTM(o) : mode === 'gru' ? new GRU(o) : new RNN(o);
};

const cases = modes.flatMap((mode) => [1, 2].flatMap((L) => [false, true].flatMap((bi) => [false, true].flatMap((bf) =>
  ([[T, T, T], [T, 1, 3]] as const).map((lengths) => ({ mode, L, bi, bf, lengths: [...lengths] }))))));

describe('recurrent layers: ORT CPU matches Recur', () => {
  const diffs: number[] = [];
  it.each(cases)('$mode L=$L bi=$bi batchFirst=$bf lengths=$lengths', async ({ mode, L, bi, bf, lengths }) => {
    const before = memory().tensors;
    const seed = 1000 + cases.findIndex((c) => c.mode === mode && c.L === L && c.bi === bi && c.bf === bf && c.lengths.join() === lengths.join());
    const m = make(mode, L, bi, bf, seed).eval();
    const withState = !bf; // half of the matrix feeds h0/c0, the other half relies on zero states
    const D = bi ? 2 : 1;
    const x = randomNormal(bf ? [B, T, I] : [T, B, I], 0, 1, { seed });
    const h0 = withState ? randomNormal([L * D, B, H], 0, 0.5, { seed: seed + 1 }) : undefined;
    const c0 = withState && mode === 'lstm' ? randomNormal([L * D, B, H], 0, 0.5, { seed: seed + 2 }) : undefined;
    const inputs = [x, { lengths, ...(h0 ? { h0 } : {}), ...(c0 ? { c0 } : {}) }];
    const dynamicAxes = {
      input: bf ? { 0: 'batch', 1: 'seq' } : { 0: 'seq', 1: 'batch' }, lengths: { 0: 'batch' },
      ...(h0 ? { h0: { 1: 'batch' } } : {}), ...(c0 ? { c0: { 1: 'batch' } } : {}),
    };
    const { bytes, warnings, inputNames, outputNames, model } = await exportOnnx(m, { inputs, dynamicAxes });
    expect(warnings).toEqual([]);
    expect(checkModel(bytes)).toEqual([]);
    expect(inputNames).toEqual(['input', 'lengths', ...(withState ? ['h0', ...(mode === 'lstm' ? ['c0'] : [])] : [])]);
    expect(outputNames).toEqual(['output', 'hN', ...(mode === 'lstm' ? ['cN'] : [])]);
    expect(model.graph.node.filter((n) => n.opType === mode.toUpperCase()).length).toBe(L); // one node per layer, both directions in it
    const r = await verifyOnnx(m, bytes, { inputs });
    dispose([x, ...(h0 ? [h0] : []), ...(c0 ? [c0] : [])]);
    m.dispose();
    expect(memory().tensors).toBe(before);
    expect(Object.keys(r.outputs).sort()).toEqual([...outputNames].sort());
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(r.ok).toBe(true);
    diffs.push(r.maxAbsDiff);
  });

  it.each(modes)('%s without biases and without a lengths input (no B, no sequence_lens)', async (mode) => {
    const o = { inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, bias: false, seed: 77 };
    const m = mode === 'lstm' ? new LSTM(o) : mode === 'gru' ? new GRU(o) : new RNN(o);
    const x = randomNormal([T, B, I], 0, 1, { seed: 5 });
    const { bytes, inputNames, model } = await exportOnnx(m, { inputs: [x], dynamicAxes: { input: { 0: 'seq', 1: 'batch' } } });
    expect(inputNames).toEqual(['input']);
    expect(model.graph.initializer.some((t) => t.name.includes('.B_'))).toBe(false);
    expect(checkModel(bytes)).toEqual([]);
    const r = await verifyOnnx(m, bytes, { inputs: [x] });
    x.dispose();
    m.dispose();
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('reports the worst difference over the matrix', () => {
    expect(diffs.length).toBe(cases.length);
    console.log(`recurrent parity: ${cases.length} configurations, max |ORT − Recur| = ${Math.max(...diffs).toExponential(2)}`);
  });
});
