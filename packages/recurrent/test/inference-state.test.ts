// Inside noGrad the fused layers ask the kernel not to keep the backward state (keepState false);
// outputs must not change, and with gradients on the state is kept.
import { noGrad } from '@recur/autograd';
import { addKernelListener, dispose, hasFusedRnn, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM } from '../src/index.js';
import { det, noLeaks } from './helpers.js';

describe('fused layers in inference', () => {
  for (const [name, make] of [
    ['LSTM', () => new LSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true, numLayers: 2, seed: 3 })],
    ['GRU', () => new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true, numLayers: 2, seed: 4 })],
  ] as const) {
    it(`${name}: noGrad skips the backward state, same output`, () => noLeaks(() => {
      if (!hasFusedRnn(name === 'LSTM' ? 'lstm' : 'gru')) return;
      const layer = make();
      const x = det([5, 2, 3], 2, 1);
      const seen: boolean[] = [];
      const stop = addKernelListener((e) => {
        if (e.name.endsWith('Sequence')) seen.push((e.attrs as { keepState?: boolean }).keepState !== false);
      });
      try {
        const train = layer.forward(x, { lengths: [5, 3] });
        const infer = noGrad(() => layer.forward(x, { lengths: [5, 3] }));
        expect(Array.from(infer.output.dataSync())).toEqual(Array.from(train.output.dataSync()));
        expect(Array.from(infer.hN.dataSync())).toEqual(Array.from(train.hN.dataSync()));
        expect(seen).toEqual([true, true, true, true, false, false, false, false]);
        const all = (r: { output: Tensor; hN: Tensor; cN?: Tensor }) => [r.output, r.hN, ...(r.cN ? [r.cN] : [])];
        dispose([...all(train), ...all(infer)]);
      } finally {
        stop();
        dispose(x);
        layer.dispose();
      }
    }));
  }
});
