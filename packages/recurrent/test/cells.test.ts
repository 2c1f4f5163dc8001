import { backward, watch } from '@recur/autograd';
import { add, dispose, keep, mul, scope, sum, type Tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { GRUCell, LSTMCell, RNNCell } from '../src/index.js';
import { det, expectClose, fixture, loadDet, noLeaks, type Fx } from './helpers.js';

interface CellCase { kind: string; outputs: Fx[]; grads: Record<string, Fx>; grad_x: Fx; grad_h0: Fx; grad_c0?: Fx }
const fx = fixture<{ meta: { B: number; I: number; H: number }; cases: CellCase[] }>('cells.json');
const { B, I, H } = fx.meta;

describe('cells: one step vs PyTorch', () => {
  for (const c of fx.cases) {
    it(c.kind, () => noLeaks(() => {
      const opts = { inputSize: I, hiddenSize: H };
      const cell = c.kind === 'lstm' ? new LSTMCell(opts) : c.kind === 'gru' ? new GRUCell(opts)
        : new RNNCell({ ...opts, nonlinearity: c.kind === 'rnn_relu' ? 'relu' : 'tanh' });
      loadDet(cell);
      const x = det([B, I], 100, 1), h0 = det([B, H], 101, 0.8), c0 = det([B, H], 102, 0.8);
      for (const t of [x, h0, c0]) watch(t);
      const outs: Tensor[] = [];
      const loss = scope(() => {
        const os = cell instanceof LSTMCell ? Object.values(cell.forward(x, { h: h0, c: c0 })) : [(cell as GRUCell).forward(x, h0)];
        os.forEach((o) => outs.push(keep(o)));
        return os.map((o, i) => sum(mul(o, det(o.shape, 200 + i, 1)))).reduce((a, b) => add(a, b));
      });
      c.outputs.forEach((w, i) => expectClose(outs[i]!, w, `${c.kind} output ${i}`));
      const named = cell.namedParameters();
      expect(named.map(([n]) => n)).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
      const grads = backward(loss, [...named.map(([, p]) => p.value), x, h0, c0]);
      named.forEach(([n], i) => expectClose(grads[i]!, c.grads[n]!, `${c.kind} grad ${n}`));
      expectClose(grads[4]!, c.grad_x, 'grad x');
      expectClose(grads[5]!, c.grad_h0, 'grad h0');
      if (c.grad_c0) expectClose(grads[6]!, c.grad_c0, 'grad c0');
      dispose([...grads, ...outs, loss, x, h0, c0]);
      cell.dispose();
    }));
  }

  it('zero initial state by default, PyTorch reprs, and input checks', () => noLeaks(() => {
    const cell = new LSTMCell({ inputSize: 3, hiddenSize: 4, seed: 1 });
    const x = det([2, 3], 1), h = det([2, 4], 2);
    const zero = scope(() => mul(h, 0));
    const a = cell.forward(x), b = cell.forward(x, { h: zero, c: undefined });
    expect([...a.h.dataSync()]).toEqual([...b.h.dataSync()]);
    expect(cell.toString()).toBe('LSTMCell(3, 4)\nParameters: 144');
    const relu = new RNNCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu', bias: false, seed: 1 });
    expect(relu.repr()).toBe('RNNCell(3, 4, bias=False, nonlinearity=relu)');
    relu.dispose();
    const bad = det([2, 5], 3);
    expect(() => cell.forward(bad)).toThrow('LSTMCell.forward: input [2,5] should be [batch, input_size=3]');
    expect(() => cell.forward(x, { h: bad })).toThrow('LSTMCell.forward: h [2,5] should be [2, 4] (batch, hidden_size)');
    expect(() => new RNNCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'gelu' as never })).toThrow("unknown nonlinearity 'gelu'");
    dispose([x, h, zero, bad, a.h, a.c, b.h, b.c]);
    cell.dispose();
  }));
});
