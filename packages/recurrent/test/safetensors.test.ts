import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispose, reshape, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, bceWithLogits, parseSafetensors, readSafetensors, SentimentRNN, writeSafetensors } from '../src/index.js';
import { loadSafetensors, saveSafetensors } from '../src/node/index.js';
import { expectClose, fixture, fixturePath, noLeaks, type Fx } from './helpers.js';
import { smallSeedModel } from './seed.js';

const seed = fixture<{ ids: number[][]; lengths: number[]; labels: number[] }>('seed_model.json');
const torchOut = fixture<{ logits: Fx }>('seed_model_torch.json');
const PYTHON = '/usr/bin/python3';
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { timeout: 30_000 }).status === 0;

describe('safetensors', () => {
  it('reads a state dict PyTorch wrote and reproduces PyTorch\'s logits', () => noLeaks(() => {
    const { tensors, metadata } = parseSafetensors(new Uint8Array(readFileSync(fixturePath('seed_model_torch.safetensors'))));
    expect(metadata).toEqual({ format: 'pt', source: 'gen_recurrent.py' });
    const model = smallSeedModel();
    model.loadStateDict(tensors);
    model.eval();
    const ids = tensor(seed.ids, undefined, 'int32');
    const logits = model.forward(ids, seed.lengths);
    expectClose(logits, torchOut.logits, 'logits from the PyTorch checkpoint');
    dispose([logits, ids]);
    dispose(tensors);
    model.dispose();
  }));

  it('writes and reads back every dtype bit-exactly, with metadata and 8-byte header alignment', () => noLeaks(async () => {
    const rec = {
      a: tensor([1.5, -2, 3.25, Math.PI], [2, 2]), b: tensor([1, 2, 3], undefined, 'int32'),
      c: tensor([true, false, true]), d: tensor(new Float64Array([Math.E, 1e-300])), e: tensor([], [0, 3]),
    };
    const bytes = await writeSafetensors(rec, { note: 'hi' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const back = parseSafetensors(bytes);
    expect(back.metadata).toEqual({ note: 'hi' });
    for (const [k, t] of Object.entries(rec)) {
      const u = back.tensors[k]!;
      expect([u.shape, u.dtype]).toEqual([t.shape, t.dtype]);
      expect(await u.array()).toEqual(await t.array());
    }
    dispose(rec);
    dispose(back.tensors);
  }));

  it('rejects damaged files with the tensor and the problem named', () => noLeaks(async () => {
    const good = await (async () => { const t = tensor([1, 2, 3]); const b = await writeSafetensors({ w: t }); t.dispose(); return b; })();
    expect(() => readSafetensors(good.slice(0, 4))).toThrow('too short');
    expect(() => readSafetensors(good.slice(0, good.length - 4))).toThrow("readSafetensors: 'w' F32 [3] needs 12 bytes but data_offsets are [0,12] (data section 8 bytes)");
    const bad = good.slice();
    bad[0] = 0xff;
    expect(() => readSafetensors(bad)).toThrow('header length');
    const hdr = (h: object) => { const j = new TextEncoder().encode(JSON.stringify(h)); const o = new Uint8Array(8 + j.length + 4); new DataView(o.buffer).setBigUint64(0, BigInt(j.length), true); o.set(j, 8); return o; };
    expect(() => readSafetensors(hdr({ w: { dtype: 'C64', shape: [1], data_offsets: [0, 4] } }))).toThrow("'w' has unsupported dtype \"C64\"");
    expect(() => readSafetensors(hdr({ w: { dtype: 'I64', shape: [0], data_offsets: [0, 0] }, v: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }))).toThrow("'v' has a bad shape [-1]");
    const one = tensor([1]);
    await expect(writeSafetensors({ __metadata__: one })).rejects.toThrow('reserved');
    one.dispose();
  }));

  it('reads I64 as int32 and F16/BF16 as float32 (what PyTorch often saves)', () => noLeaks(async () => {
    const j = new TextEncoder().encode(JSON.stringify({
      i: { dtype: 'I64', shape: [2], data_offsets: [0, 16] }, h: { dtype: 'F16', shape: [2], data_offsets: [16, 20] }, b: { dtype: 'BF16', shape: [1], data_offsets: [20, 22] },
    }).padEnd(128, ' '));
    const o = new Uint8Array(8 + j.length + 22), v = new DataView(o.buffer);
    v.setBigUint64(0, BigInt(j.length), true);
    o.set(j, 8);
    v.setBigInt64(8 + j.length, -5n, true);
    v.setBigInt64(8 + j.length + 8, 7n, true);
    v.setUint16(8 + j.length + 16, 0x3c00, true); // 1.0
    v.setUint16(8 + j.length + 18, 0xc000, true); // −2.0
    v.setUint16(8 + j.length + 20, 0x3fc0, true); // bf16 1.5
    const t = readSafetensors(o);
    expect([t.i!.dtype, await t.i!.array(), await t.h!.array(), await t.b!.array()]).toEqual(['int32', [-5, 7], [1, -2], [1.5]]);
    dispose(t);
  }));

  it.skipIf(!hasTorch)('round trip: trained here → PyTorch load_state_dict gives the same logits (needs /usr/bin/python3 with torch)', () => noLeaks(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recur-st-'));
    try {
      const model = new SentimentRNN({ vocabSize: 11, embeddingDim: 5, hiddenDim: 4, outputDim: 1, numLayers: 2, bidirectional: true, dropout: 0.5, padIdx: 1, seed: 5 });
      const opt = new Adam(model, { lr: 0.05 });
      const ids = tensor(seed.ids, undefined, 'int32'), labels = tensor(seed.labels);
      for (let s = 0; s < 3; s++) await opt.minimize(() => bceWithLogits(reshape(model.forward(ids, seed.lengths), [-1]), labels));
      model.eval();
      const logits = model.forward(ids, seed.lengths);
      const path = join(dir, 'model.safetensors');
      await saveSafetensors(path, model.stateDict(), { format: 'pt' });
      writeFileSync(join(dir, 'expect.json'), JSON.stringify({ ids: seed.ids, lengths: seed.lengths, logits: { shape: logits.shape, data: [...logits.dataSync()] } }));
      const r = spawnSync(PYTHON, [fixturePath('../../../../tools/fixtures/gen_recurrent.py'), '--verify', path, join(dir, 'expect.json')], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr + r.stdout).toBe(0);
      expect(JSON.parse(r.stdout.trim().split('\n').pop()!).ok).toBe(true);
      // And back: the file reloads here into a fresh model with identical outputs.
      const again = smallSeedModel();
      const { tensors } = await loadSafetensors(path);
      again.loadStateDict(tensors);
      again.eval();
      const logits2 = again.forward(ids, seed.lengths);
      expect([...logits2.dataSync()]).toEqual([...logits.dataSync()]);
      dispose([logits, logits2, ids, labels]);
      dispose(tensors);
      opt.dispose();
      model.dispose();
      again.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }));
});
