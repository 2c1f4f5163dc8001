/** examples/seed.ts: the seed tutorial's model and training loop, written as in PyTorch, runs and learns. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dispose, setSeed, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { RNN, train, type SeedBatch } from '../examples/seed.js';
import { Adam } from '../src/index.js';
import { noLeaks } from './helpers.js';

/** Token 2 in a text means positive; 3 negative; 1 pads. (T, B) ids, longest first. */
function batches(): SeedBatch[] {
  const out: SeedBatch[] = [];
  for (let k = 0; k < 4; k++) {
    const T = 6, B = 4, ids: number[] = [], labels: number[] = [];
    const lengths = [6, 5, 4, 3];
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) ids.push(t >= lengths[b]! ? 1 : t === (k + b) % lengths[b]! ? 2 + ((k + b) % 2) : 4 + ((t + b + k) % 5));
    for (let b = 0; b < B; b++) labels.push((k + b) % 2 === 0 ? 1 : 0);
    out.push({ text: tensor(ids, [T, B], 'int32'), textLengths: lengths, label: tensor(labels) });
  }
  return out;
}

describe('examples/seed.ts', () => {
  it('is no longer than the PyTorch original (model + train + binary_accuracy, 45 lines) plus imports', () => {
    const lines = readFileSync(fileURLToPath(new URL('../examples/seed.ts', import.meta.url)), 'utf8').trim().split('\n');
    const code = lines.filter((l) => l.trim() !== '' && !l.startsWith('import '));
    expect(code.length).toBeLessThanOrEqual(45);
  });

  it('trains: the epoch loss falls and nothing leaks', () => noLeaks(async () => {
    setSeed(1);
    const data = batches();
    const model = new RNN(10, 8, 12, 1, 2, true, 0.1, 1);
    const optimizer = new Adam(model, { lr: 0.02 });
    const epochs: Array<[number, number]> = [];
    for (let e = 0; e < 15; e++) epochs.push(await train(model, data, optimizer));
    expect(epochs[0]![0]).toBeGreaterThan(0.6);
    expect(epochs[14]![0]).toBeLessThan(epochs[0]![0] * 0.5);
    expect(epochs[14]![1]).toBeGreaterThanOrEqual(0.75);
    dispose(data.flatMap((b) => [b.text, b.label]));
    optimizer.dispose();
    model.dispose();
  }));
});
