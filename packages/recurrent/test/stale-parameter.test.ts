/** A parameter's old value held across optimizer.step fails with an error that says why and what to do. */
import { backward } from '@recur/autograd';
import { add, dispose, scope, sum, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Linear, SGD, trainStep } from '../src/index.js';
import { noLeaks } from './helpers.js';

describe('stale parameter values', () => {
  it('name the parameter, the step that replaced it and how to read the current value', () => noLeaks(async () => {
    const fc = new Linear({ inFeatures: 2, outFeatures: 1, seed: 1 });
    const opt = new SGD(fc, { lr: 0.1 });
    const x = tensor([[1, 2]]);
    const held = fc.weight.value; // held across the step, PyTorch-style
    await trainStep({ optimizer: opt, loss: () => sum(fc.forward(x)) })(undefined);
    expect(fc.weight.value).not.toBe(held);
    const why = /was disposed: it was the value of parameter 'weight', replaced by Parameter\.assign \(optimizer\.step assigns every parameter a new tensor\); read param\.value again after each step/;
    expect(() => add(held, 1)).toThrow(why);
    expect(() => held.dataSync()).toThrow(/^dataSync: tensor \d+ of shape \[1,2\] was disposed: it was the value of parameter 'weight'/);
    const loss = scope(() => sum(fc.forward(x)));
    expect(() => backward(loss, [held])).toThrow(/^backward: tensor \d+ of shape \[1,2\] was disposed: it was the value of parameter 'weight'/);
    // The current value works.
    const [g] = backward(loss, [fc.weight.value]);
    expect([...g!.dataSync()]).toEqual([1, 2]);
    // A plain dispose still gives the plain message.
    const t = tensor([1]);
    t.dispose();
    expect(() => add(t, 1)).toThrow(/^add: tensor \d+ of shape \[1\] was disposed$/);
    dispose([x, loss, g!]);
    opt.dispose();
    fc.dispose();
  }));
});
