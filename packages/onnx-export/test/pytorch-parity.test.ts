/**
 * PyTorch → Recur → ONNX: a state dict saved by PyTorch (safetensors, tools/fixtures/gen_onnx_parity.py)
 * is loaded into Recur's SentimentRNN, exported, run in onnxruntime, and compared with PyTorch's logits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, SentimentRNN } from '@recur/recurrent';
import { dispose, memory, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { checkModel, exportOnnx } from '../src/index.js';
import { createSession, runSession } from '../src/node/index.js';

interface Case {
  config: { vocabSize: number; embeddingDim: number; hiddenDim: number; padIdx: number; numLayers: number; bidirectional: boolean; outputDim: number; cell: 'lstm' | 'gru' | 'rnn' };
  stateDict: string;
  keys: string[];
  logits: { shape: number[]; data: number[] };
}
const FIX = join(import.meta.dirname, 'fixtures');
const fixture = JSON.parse(readFileSync(join(FIX, 'onnx_parity.json'), 'utf8')) as {
  meta: { torch: string; tolerance: number };
  inputs: { ids: { shape: [number, number]; data: number[] }; lengths: number[] };
  cases: Record<string, Case>;
};

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe(`PyTorch ${fixture.meta.torch} state dicts → Recur → ONNX`, () => {
  it.each(Object.entries(fixture.cases))('%s: onnxruntime reproduces PyTorch logits within 1e-5', async (_cell, c) => {
    const before = memory().tensors;
    const model = new SentimentRNN({ ...c.config, seed: 0 }).eval();
    expect(Object.keys(model.stateDict())).toEqual(c.keys);
    const sd = readSafetensors(new Uint8Array(readFileSync(join(FIX, c.stateDict))));
    model.loadStateDict(sd);
    dispose(Object.values(sd));

    const { ids, lengths } = fixture.inputs;
    const exIds = tensor(Int32Array.from(ids.data), ids.shape, 'int32');
    const { bytes, warnings } = await exportOnnx(model, {
      inputs: [exIds, Int32Array.from(lengths)], inputNames: ['text', 'lengths'], outputNames: ['logits'],
      dynamicAxes: { text: { 0: 'seq', 1: 'batch' }, lengths: { 0: 'batch' } },
    });
    exIds.dispose();
    expect(warnings).toEqual([]);
    expect(checkModel(bytes)).toEqual([]);
    const { session } = await createSession(bytes);
    const out = await runSession(session, { text: { data: Int32Array.from(ids.data), dims: ids.shape }, lengths: { data: Int32Array.from(lengths), dims: [lengths.length] } });
    await session.release();
    expect(out.logits!.dims).toEqual(c.logits.shape);
    const ortVsTorch = maxDiff(out.logits!.data, c.logits.data);

    const idsT = tensor(Int32Array.from(ids.data), ids.shape, 'int32');
    const recur = model.forward(idsT, lengths);
    const recurVsTorch = maxDiff(await recur.data(), c.logits.data);
    dispose([idsT, recur]);
    model.dispose();
    expect(memory().tensors).toBe(before);
    console.log(`${c.config.cell}: max |ORT − PyTorch| = ${ortVsTorch.toExponential(2)}, max |Recur − PyTorch| = ${recurVsTorch.toExponential(2)}`);
    expect(ortVsTorch).toBeLessThanOrEqual(fixture.meta.tolerance);
    expect(recurVsTorch).toBeLessThanOrEqual(fixture.meta.tolerance);
  });
});
