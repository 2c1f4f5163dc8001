import { backward, watch } from '@recur/autograd';
import { add, hasFusedRnn, keep, mul, scope, sum, type Tensor } from '@recur/tensor';
import { describe, it } from 'vitest';
import { GRU, LSTM, RNN, type RecurrentBase } from '../src/index.js';
import { det, expectClose, fixture, loadDet, noLeaks, type Fx } from './helpers.js';

interface Case {
  numLayers: number; bidirectional: boolean; batchFirst: boolean; lengths: number[] | null; nonlinearity: 'tanh' | 'relu';
  xSeed: number; outputs: Fx[]; grads: Record<string, Fx>; grad_x: Fx; grad_h0?: Fx; grad_c0?: Fx;
}

const KINDS = ['lstm', 'gru', 'rnn'] as const;

for (const kind of KINDS) {
  const fx = fixture<{ meta: { T: number; B: number; I: number; H: number }; cases: Case[] }>(`${kind}_layers.json`);
  const { T, B, I, H } = fx.meta;
  describe(`${kind.toUpperCase()} layer vs PyTorch`, () => {
    for (const c of fx.cases) {
      const name = `L=${c.numLayers} ${c.bidirectional ? 'bi' : 'uni'} ${c.batchFirst ? 'batchFirst' : 'time-major'} lengths=${c.lengths ? c.lengths.join(',') : 'equal'}${c.grad_h0 ? ' h0' : ''}${c.nonlinearity === 'relu' ? ' relu' : ''}`;
      for (const fused of [false, ...(hasFusedRnn(kind) ? [true] : [])]) {
        it(`${name}${fused ? ' fused' : ''}`, () => noLeaks(() => {
          const opts = { inputSize: I, hiddenSize: H, numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst, fused };
          const m: RecurrentBase = kind === 'lstm' ? new LSTM(opts) : kind === 'gru' ? new GRU(opts) : new RNN({ ...opts, nonlinearity: c.nonlinearity });
          loadDet(m);
          const D = c.bidirectional ? 2 : 1;
          const x = det(c.batchFirst ? [B, T, I] : [T, B, I], c.xSeed, 1);
          const h0 = c.grad_h0 ? det([c.numLayers * D, B, H], 101, 0.8) : undefined;
          const c0 = c.grad_c0 ? det([c.numLayers * D, B, H], 102, 0.8) : undefined;
          const leaves = [x, ...(h0 ? [h0] : []), ...(c0 ? [c0] : [])];
          const params = m.parameters();
          const wrt = [...params.map((p) => p.value), ...leaves];
          for (const t of leaves) watch(t);
          const outs: Tensor[] = [];
          const loss = scope(() => {
            const r = (m as LSTM).forward(x, { h0, c0, lengths: c.lengths ?? undefined });
            const os = [r.output, r.hN, ...(r.cN ? [r.cN] : [])];
            for (const o of os) outs.push(keep(o));
            return os.map((o, i) => sum(mul(o, det(o.shape, 200 + i, 1)))).reduce((a, b) => add(a, b));
          });
          c.outputs.forEach((want, i) => expectClose(outs[i]!, want, `${name} output ${i}`));
          const grads = backward(loss, wrt);
          m.namedParameters().forEach(([n], i) => expectClose(grads[i]!, c.grads[n]!, `${name} grad ${n}`));
          expectClose(grads[params.length]!, c.grad_x, `${name} grad x`);
          if (h0) expectClose(grads[params.length + 1]!, c.grad_h0!, `${name} grad h0`);
          if (c0) expectClose(grads[params.length + 2]!, c.grad_c0!, `${name} grad c0`);
          for (const t of [...grads, ...outs, loss, ...leaves]) t.dispose();
          m.dispose();
        }));
      }
    }
  });
}
