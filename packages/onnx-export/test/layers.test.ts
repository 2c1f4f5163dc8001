/** Linear (Gemm and MatMul+Add), Embedding (Gather) and Dropout (Identity in eval) on ORT vs Recur; protobuf fields. */
import { Dropout, Embedding, Linear } from '@recur/recurrent';
import { dispose, memory, randomNormal, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { checkModel, decodeModel, exportOnnx, PRODUCER_VERSION } from '../src/index.js';
import { verifyOnnx } from '../src/node/index.js';

describe('feed-forward layers', () => {
  it.each([2, 3])('Linear with a rank-%i input matches Recur', async (rank) => {
    const before = memory().tensors;
    const m = new Linear({ inFeatures: 5, outFeatures: 3, seed: rank });
    const x = randomNormal(rank === 2 ? [4, 5] : [2, 4, 5], 0, 1, { seed: 1 });
    const { bytes, model } = await exportOnnx(m, { inputs: [x], dynamicAxes: { input: rank === 2 ? { 0: 'batch' } : { 0: 'seq', 1: 'batch' } } });
    // Rank 3 flattens [T, B, 5] → [T·B, 5] (one dynamic dim: −1), then back with a shape read from the input.
    expect(model.graph.node.map((n) => n.opType)).toEqual(rank === 2 ? ['Gemm', 'Identity'] : ['Reshape', 'Gemm', 'Shape', 'Gather', 'Gather', 'Concat', 'Reshape', 'Identity']);
    expect(checkModel(bytes)).toEqual([]);
    const r = await verifyOnnx(m, bytes, { inputs: [x] });
    expect(r.runs.length).toBe(3);
    dispose([x]);
    m.dispose();
    expect(memory().tensors).toBe(before);
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('Embedding → Gather matches Recur, padding row included', async () => {
    const m = new Embedding({ numEmbeddings: 7, embeddingDim: 3, paddingIdx: 1, seed: 1 });
    const ids = tensor(Int32Array.from([0, 1, 6, 3, 1, 2]), [3, 2], 'int32');
    const { bytes } = await exportOnnx(m, { inputs: [ids], inputNames: ['ids'], dynamicAxes: { ids: { 0: 'seq', 1: 'batch' } } });
    const r = await verifyOnnx(m, bytes, { inputs: [ids] });
    dispose([ids]);
    m.dispose();
    expect(r.outputs).toEqual({ output: 0 });
  });

  it('Dropout exports as Identity and equals Recur in eval mode', async () => {
    const m = new Dropout({ p: 0.5 }).eval();
    const x = randomNormal([3, 4], 0, 1, { seed: 3 });
    const { bytes, model } = await exportOnnx(m, { inputs: [x], outputNames: ['y'] });
    expect(model.graph.node.map((n) => n.opType)).toEqual(['Identity']);
    const r = await verifyOnnx(m, bytes, { inputs: [x] });
    x.dispose();
    expect(r.maxAbsDiff).toBe(0);
  });
});

describe('model fields', () => {
  it('carries producer, IR version, doc strings, input/output names, metadata and dynamic dims', async () => {
    const m = new Linear({ inFeatures: 2, outFeatures: 1, seed: 1 });
    const x = randomNormal([3, 2], 0, 1, { seed: 3 });
    const { bytes } = await exportOnnx(m, { inputs: [x], dynamicAxes: { input: { 0: 'batch' } }, metadata: { 'recur.run': 'r1' }, docString: 'a doc' });
    x.dispose();
    m.dispose();
    const p = decodeModel(bytes);
    expect(p).toMatchObject({ irVersion: 8, producerName: 'recur', producerVersion: PRODUCER_VERSION, docString: 'a doc', metadataProps: [{ key: 'recur.run', value: 'r1' }] });
    expect(p.graph.name).toBe('Linear');
    expect(p.graph.input[0]).toMatchObject({ name: 'input', docString: expect.stringContaining('batch'), type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 2 }] } } } });
    expect(p.graph.output[0]).toMatchObject({ name: 'output', type: { tensorType: { shape: { dim: [{ dimParam: 'batch' }, { dimValue: 1 }] } } } });
    expect(p.graph.initializer.map((t) => [t.name, t.dims, t.dataType, t.rawData!.byteLength])).toEqual([['weight', [1, 2], 1, 8], ['bias', [1], 1, 4]]);
  });
});
