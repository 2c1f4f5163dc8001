/** Engine memory model: scopes, keep, dispose, memory accounting and reshape's shared storage. */
import { describe, expect, it } from 'vitest';
import {
  add, dispose, getBackend, keep, memory, mul, reshape, retainHandle, scope, tensor, zeros, type Tensor,
} from '../src/index.js';

const live = () => memory().tensors;
const buffers = () => memory().buffers;

describe('scope', () => {
  it('frees intermediates and keeps the returned tensor', async () => {
    const x = tensor([1, 2, 3]);
    const before = live();
    const y = scope(() => add(mul(x, 2), 1)); // mul's output is an intermediate
    expect(live()).toBe(before + 1);
    expect(Array.from(await y.data())).toEqual([3, 5, 7]);
    dispose([x, y]);
  });

  it('keeps tensors returned inside arrays, plain objects and Maps', () => {
    const before = live();
    const out = scope(() => {
      tensor([0]); // garbage
      return { list: [tensor([1]), tensor([2])], obj: { t: tensor([3]) }, map: new Map([['k', tensor([4])]]), n: 5 };
    });
    expect(live()).toBe(before + 4);
    expect(out.n).toBe(5);
    dispose([...out.list, out.obj.t, out.map.get('k')!]);
    expect(live()).toBe(before);
  });

  it('nests: an inner result belongs to the outer scope, which frees it unless it returns it', () => {
    const before = live();
    let inner: Tensor | undefined;
    const outer = scope(() => {
      inner = scope(() => add(tensor([1]), tensor([2])));
      expect(inner.disposed).toBe(false);
      return tensor([9]);
    });
    expect(inner!.disposed).toBe(true);
    expect(outer.disposed).toBe(false);
    expect(live()).toBe(before + 1);
    outer.dispose();
  });

  it('never frees a kept tensor, however deep, until it is disposed', () => {
    const before = live();
    let kept: Tensor | undefined;
    scope(() => {
      scope(() => {
        kept = keep(tensor([1, 2]));
        tensor([3]);
      });
      tensor([4]);
    });
    expect(kept!.disposed).toBe(false);
    expect(live()).toBe(before + 1);
    kept!.dispose();
    expect(live()).toBe(before);
  });

  it('does not free tensors created outside it, even when returned', () => {
    const x = tensor([1]);
    const y = scope(() => x);
    expect(y).toBe(x);
    expect(x.disposed).toBe(false);
    x.dispose();
  });

  it('frees everything it created when the callback throws', () => {
    const before = live(), bufs = buffers();
    expect(() => scope(() => {
      add(tensor([1, 2]), tensor([3, 4]));
      throw new Error('boom');
    })).toThrow('boom');
    expect(live()).toBe(before);
    expect(buffers()).toBe(bufs);
  });

  it('throws when the callback returns a Promise, and frees what it made', () => {
    const before = live();
    expect(() => scope((() => {
      tensor([1]);
      return Promise.resolve(1);
    }) as () => unknown)).toThrow('scope: the callback returned a Promise; scopes are synchronous (await outside them)');
    expect(live()).toBe(before);
  });

  it('async callbacks are refused the same way', () => {
    const before = live();
    expect(() => scope((async () => {
      tensor([1]);
    }) as () => unknown)).toThrow('returned a Promise');
    expect(live()).toBe(before);
  });
});

describe('dispose', () => {
  it('is idempotent and marks the tensor', () => {
    const before = live(), bufs = buffers();
    const t = tensor([1, 2]);
    t.dispose();
    t.dispose();
    expect(t.disposed).toBe(true);
    expect(live()).toBe(before);
    expect(buffers()).toBe(bufs);
    expect(String(t)).toBe('Tensor([2], float32, disposed)');
  });

  it('refuses to use a disposed tensor, naming the op and shape', async () => {
    const t = tensor([[1, 2]]);
    t.dispose();
    expect(() => add(t, 1)).toThrow(`add: tensor ${t.id} of shape [1,2] was disposed`);
    await expect(t.data()).rejects.toThrow(`data: tensor ${t.id} of shape [1,2] was disposed`);
  });

  it('dispose() takes a tensor, an array, an object, or nothing', () => {
    const before = live();
    const a = tensor([1]), b = tensor([2]), c = tensor([3]);
    dispose(a);
    dispose([b]);
    dispose({ c });
    dispose(undefined);
    dispose(null);
    expect(live()).toBe(before);
  });
});

describe('memory accounting', () => {
  it('counts tensors, buffers and bytes per dtype', () => {
    const m0 = memory();
    const ts = [zeros([3], 'float32'), zeros([3], 'float64'), zeros([3], 'int32'), zeros([3], 'bool')];
    const m1 = memory();
    expect(m1.tensors - m0.tensors).toBe(4);
    expect(m1.buffers - m0.buffers).toBe(4);
    expect(m1.bytes - m0.bytes).toBe(12 + 24 + 12 + 3);
    expect(m1.backend).toBe(getBackend().name);
    dispose(ts);
    expect(memory().bytes).toBe(m0.bytes);
  });

  it('reshape shares storage through a refcount: no copy, freed after the last handle', async () => {
    const m0 = memory();
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const r = reshape(x, [3, 2]);
    expect(r.dataId).toBe(x.dataId);
    expect(memory().tensors - m0.tensors).toBe(2);
    expect(memory().buffers - m0.buffers).toBe(1);
    x.dispose();
    expect(Array.from(await r.data())).toEqual([1, 2, 3, 4, 5, 6]); // still alive through r
    expect(memory().buffers - m0.buffers).toBe(1);
    r.dispose();
    expect(memory().buffers).toBe(m0.buffers);
    expect(memory().bytes).toBe(m0.bytes);
  });

  it('retainHandle is a second owner of the same storage, outside scopes', () => {
    const m0 = memory();
    let h: Tensor | undefined;
    scope(() => {
      h = retainHandle(tensor([7, 8]));
    });
    expect(h!.disposed).toBe(false);
    expect(h!.dataSync()).toEqual(Float32Array.of(7, 8));
    expect(memory().buffers - m0.buffers).toBe(1);
    h!.dispose();
    expect(memory().buffers).toBe(m0.buffers);
  });
});
