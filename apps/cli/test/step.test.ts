/** The training step frees everything it allocates: the live tensor count is flat across steps. */
import { BucketIterator } from '@recur/text';
import { memory } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../src/config.js';
import { prepareData } from '../src/train/setup.js';
import { buildModel, buildOptimizer } from '../src/train/model.js';
import { evaluate, makeTrainStep } from '../src/train/step.js';

describe('makeTrainStep', () => {
  it('keeps memory().tensors constant from step to step and after evaluation', async () => {
    const config = { ...presetConfig('tiny'), limit: 300, testLimit: 50, model: { ...presetConfig('tiny').model, dropout: 0.2, layers: 2, bidirectional: true } };
    const data = await prepareData(config);
    const before = memory().tensors;
    const model = buildModel(config, data.vocab.size, data.vocab.padIndex);
    const opt = buildOptimizer('adam', model, 1e-2);
    const it = new BucketIterator(data.train, { batchSize: 16, padIndex: data.vocab.padIndex, unkIndex: data.vocab.unkIndex, seed: 1 });
    const counts: number[] = [];
    const losses: number[] = [];
    const trainStep = makeTrainStep(model, opt, 1);
    for (const batch of it.epoch(0)) {
      const r = await trainStep(batch);
      expect(r.correct).toBeGreaterThanOrEqual(0);
      expect(r.correct).toBeLessThanOrEqual(batch.batchSize);
      losses.push(r.loss);
      counts.push(memory().tensors);
    }
    // Step 1 creates the Adam state (2 tensors per parameter); from then on nothing accumulates.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(losses.every(Number.isFinite)).toBe(true);
    const after = memory().tensors;
    await evaluate(model, data.valid, { batchSize: 64, padIndex: 1, unkIndex: 0, maxLength: 0 });
    expect(memory().tensors).toBe(after);
    opt.dispose();
    model.dispose();
    expect(memory().tensors).toBe(before);
  });
});
