/**
 * Exported files pass the official ONNX checker (Debian's python3-onnx, `check_model(full_check=True)`,
 * when /usr/bin/python3 has it) and always the TS structural checker, which must also catch broken graphs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Embedding, GRU, Linear, LSTM, RNN, SentimentRNN, type Module } from '@recur/recurrent';
import { randomNormal, tensor } from '@recur/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { checkModel, decodeModel, encodeModel, exportOnnx, exportSentimentModel, type DynamicAxes, type ExportResult, type ForwardArg } from '../src/index.js';
import { disposeArgs } from './helpers.js';
import { ZOO, type ZooCase } from './zoo.js';

const PY = '/usr/bin/python3';
const hasOnnx = spawnSync(PY, ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'recur-onnx-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const layers: Array<[string, () => Module, () => ForwardArg[], DynamicAxes, number?]> = [
  ['lstm-bi-2-h0', () => new LSTM({ inputSize: 4, hiddenSize: 3, numLayers: 2, bidirectional: true, seed: 1 }),
    () => [randomNormal([5, 2, 4], 0, 1, { seed: 1 }), { lengths: [5, 3], h0: randomNormal([4, 2, 3], 0, 1, { seed: 2 }), c0: randomNormal([4, 2, 3], 0, 1, { seed: 3 }) }],
    { input: { 0: 'seq', 1: 'batch' }, lengths: { 0: 'batch' }, h0: { 1: 'batch' }, c0: { 1: 'batch' } }],
  ['gru-bf', () => new GRU({ inputSize: 4, hiddenSize: 3, batchFirst: true, seed: 2 }), () => [randomNormal([2, 5, 4], 0, 1, { seed: 1 })], { input: { 0: 'batch', 1: 'seq' } }],
  ['rnn-relu-nobias', () => new RNN({ inputSize: 4, hiddenSize: 3, nonlinearity: 'relu', bias: false, seed: 3 }), () => [randomNormal([5, 2, 4], 0, 1, { seed: 1 })], {}, 14],
  ['linear', () => new Linear({ inFeatures: 4, outFeatures: 2, seed: 4 }), () => [randomNormal([3, 4], 0, 1, { seed: 1 })], { input: { 0: 'batch' } }],
  ['linear-rank3', () => new Linear({ inFeatures: 4, outFeatures: 2, seed: 4 }), () => [randomNormal([5, 3, 4], 0, 1, { seed: 1 })], { input: { 0: 'seq', 1: 'batch' } }],
  ['embedding', () => new Embedding({ numEmbeddings: 6, embeddingDim: 3, seed: 5 }), () => [tensor(Int32Array.of(0, 5, 2, 3, 4, 1), [3, 2], 'int32')], { input: { 0: 'seq', 1: 'batch' } }],
];

async function exportAll(): Promise<Array<[string, ExportResult]>> {
  const out: Array<[string, ExportResult]> = [];
  const cases: Array<Omit<ZooCase, 'expectOps'> & { opset?: number }> = [
    ...layers.map(([name, make, inputs, dynamicAxes, opset]) => ({ name, make, inputs, dynamicAxes, ...(opset ? { opset } : {}) })),
    ...ZOO.map((c, i) => ({ ...c, name: `zoo-${i}` })),
  ];
  for (const c of cases) {
    const m = c.make().eval();
    const inputs = c.inputs();
    out.push([c.name, await exportOnnx(m, { inputs, dynamicAxes: c.dynamicAxes, inputNames: c.inputNames, outputNames: c.outputNames, opset: c.opset })]);
    disposeArgs(inputs);
    m.dispose();
  }
  const s = new SentimentRNN({ vocabSize: 8, embeddingDim: 4, hiddenDim: 3, padIdx: 1, cell: 'gru', outputDim: 3, seed: 6 }).eval();
  out.push(['sentiment-gru-3class', await exportSentimentModel(s, { tokenizer: 'basic_english', lowercase: true, vocab: ['<unk>', '<pad>', 'a', 'b', 'c', 'd', 'e', 'f'], padIndex: 1, unkIndex: 0, labels: ['neg', 'neu', 'pos'] })]);
  s.dispose();
  return out;
}

describe('ONNX checker', () => {
  it('the TS structural checker accepts every exported model', async () => {
    for (const [name, r] of await exportAll()) expect([name, checkModel(r.bytes)]).toEqual([name, []]);
  });

  it.runIf(hasOnnx)('onnx.checker.check_model(full_check=True) accepts every exported model (python3-onnx)', async () => {
    const models = await exportAll();
    const files = models.map(([name, r]) => {
      const f = join(dir, `${name}.onnx`);
      writeFileSync(f, r.bytes);
      return f;
    });
    const script = [
      'import json, sys, onnx',
      'out = []',
      'for f in sys.argv[1:]:',
      '    m = onnx.load(f)',
      '    onnx.checker.check_model(m, full_check=True)',
      '    out.append({"producer": m.producer_name, "opset": m.opset_import[0].version, "nodes": [n.op_type for n in m.graph.node],',
      '                "inputs": [i.name for i in m.graph.input], "outputs": [o.name for o in m.graph.output], "meta": len(m.metadata_props)})',
      'print(json.dumps(out))',
    ].join('\n');
    const run = spawnSync(PY, ['-c', script, ...files], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const seen = JSON.parse(run.stdout) as Array<{ producer: string; opset: number; nodes: string[]; inputs: string[]; outputs: string[]; meta: number }>;
    seen.forEach((s, i) => {
      const r = models[i]![1];
      expect(s).toEqual({
        producer: 'recur', opset: r.model.opsetImport[0]!.version, nodes: r.model.graph.node.map((n) => n.opType),
        inputs: r.inputNames, outputs: r.outputNames, meta: r.model.metadataProps?.length ?? 0,
      });
    });
  });

  it('the TS checker catches broken graphs', async () => {
    const m = new LSTM({ inputSize: 4, hiddenSize: 3, numLayers: 2, seed: 1 });
    const x = randomNormal([5, 2, 4], 0, 1, { seed: 1 });
    const { bytes } = await exportOnnx(m, { inputs: [x] });
    x.dispose();
    m.dispose();
    const broken = (edit: (p: ReturnType<typeof decodeModel>) => void) => {
      const p = decodeModel(bytes);
      edit(p);
      return checkModel(encodeModel(p));
    };
    expect(broken((p) => { p.graph.node[0]!.input[0] = 'nowhere'; })).toEqual([expect.stringMatching(/input 'nowhere' is not defined before this node/)]);
    expect(broken((p) => { p.graph.node.reverse(); })).toContainEqual(expect.stringMatching(/not topologically sorted/));
    expect(broken((p) => { p.graph.node[1]!.output[0] = p.graph.node[0]!.output[0]!; })).toContainEqual(expect.stringMatching(/already defined/));
    expect(broken((p) => { p.graph.initializer[0]!.dims = [1, 12, 5]; })).toEqual(["initializer 'lstm.W_l0': dims [1, 12, 5] hold 60 elements, data has 48"]);
    // Same element count (36), wrong layout: only the recurrent shape rule can see it.
    expect(broken((p) => { p.graph.initializer[1]!.dims = [1, 9, 4]; })).toEqual([expect.stringMatching(/^node 'lstm\/LSTM_l0' \(LSTM\): R is \[1, 9, 4\], expected \[1, 12, 3\]$/)]);
    expect(broken((p) => { p.irVersion = 6; })).toEqual(['model: ir_version 6 is too old for opset 17 (needs ≥ 8)']);
    expect(broken((p) => { p.graph.output.push({ name: 'ghost', type: p.graph.output[0]!.type }); })).toEqual(["graph output 'ghost' is not produced by any node or input"]);
    expect(broken((p) => { p.graph.node.find((n) => n.opType === 'LSTM')!.attribute.push({ name: 'layout', type: 2, i: 1 }); })).toEqual([expect.stringMatching(/layout=1 is not supported/)]);
    expect(() => checkModel(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/not an ONNX model/);
  });
});
