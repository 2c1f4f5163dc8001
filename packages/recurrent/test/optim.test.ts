import { dispose, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import {
  Adam, AdamW, clipGradNorm, clipGradValue, CosineAnnealingLR, Parameter, parseSafetensors, RMSprop, SGD, StepLR, writeSafetensors, type Optimizer,
} from '../src/index.js';
import { det, expectClose, fixture, noLeaks, type Fx } from './helpers.js';

interface OptCase { optimizer: string; opts: Record<string, unknown>; steps: Fx[][] }
const fx = fixture<{
  meta: { shapes: number[][] }; cases: OptCase[];
  clipNorm: Array<{ maxNorm: number; normType: number | 'inf'; totalNorm: number; grads: Fx[] }>;
  clipValue: { clipValue: number; grads: Fx[] };
  schedulers: Array<{ scheduler: string; opts: Record<string, number>; baseLr: number; lrs: number[] }>;
}>('optim.json');
const shapes = fx.meta.shapes;

export function makeOptimizer(name: string, params: Parameter[], o: Record<string, any>): Optimizer {
  const common = { lr: o.lr, weightDecay: o.weight_decay };
  switch (name) {
    case 'SGD': return new SGD(params, { ...common, momentum: o.momentum, dampening: o.dampening, nesterov: o.nesterov });
    case 'Adam': return new Adam(params, { ...common, betas: o.betas, eps: o.eps, amsgrad: o.amsgrad });
    case 'AdamW': return new AdamW(params, { ...common, betas: o.betas, eps: o.eps, amsgrad: o.amsgrad });
    case 'RMSprop': return new RMSprop(params, { ...common, alpha: o.alpha, eps: o.eps, momentum: o.momentum, centered: o.centered });
    default: throw new Error(name);
  }
}

const gradsAt = (s: number) => shapes.map((sh, k) => det(sh, 10 + 3 * s + k, 1));

describe('optimizers: three steps vs PyTorch', () => {
  for (const c of fx.cases) {
    it(`${c.optimizer} ${JSON.stringify(c.opts)}`, () => noLeaks(() => {
      const params = shapes.map((s, k) => new Parameter(det(s, k)));
      const opt = makeOptimizer(c.optimizer, params, c.opts);
      c.steps.forEach((want, s) => {
        const g = gradsAt(s);
        opt.step(g);
        dispose(g);
        want.forEach((w, k) => expectClose(params[k]!.value, w, `${c.optimizer} step ${s + 1} param ${k}`, 1e-5, 1e-6));
      });
      expect(opt.stepCount).toBe(3);
      opt.dispose();
      for (const p of params) p.dispose();
    }));
  }

  it('state dict round trip resumes exactly (Adam, amsgrad)', () => noLeaks(() => {
    const c = fx.cases.find((x) => x.optimizer === 'Adam' && x.opts.amsgrad)!;
    const params = shapes.map((s, k) => new Parameter(det(s, k)));
    const opt = makeOptimizer('Adam', params, c.opts);
    const g0 = gradsAt(0);
    opt.step(g0);
    const sd = opt.stateDict();
    expect(Object.keys(sd.tensors).sort()).toEqual(['0.exp_avg', '0.exp_avg_sq', '0.max_exp_avg_sq', '1.exp_avg', '1.exp_avg_sq', '1.max_exp_avg_sq']);
    // A fresh optimizer on the same parameters continues where the first stopped.
    const resumed = makeOptimizer('Adam', params, { lr: 0.5 });
    resumed.loadStateDict(sd);
    expect(resumed.lr).toBe(0.01);
    opt.dispose();
    for (const s of [1, 2]) {
      const g = gradsAt(s);
      resumed.step(g);
      dispose(g);
    }
    c.steps[2]!.forEach((w, k) => expectClose(params[k]!.value, w, `resumed param ${k}`, 1e-5, 1e-6));
    dispose(g0);
    resumed.dispose();
    for (const p of params) p.dispose();
  }));

  it('optimizer state survives a safetensors round trip (resume training)', () => noLeaks(async () => {
    const c = fx.cases.find((x) => x.optimizer === 'RMSprop' && x.opts.centered)!;
    const params = shapes.map((s, k) => new Parameter(det(s, k)));
    const opt = makeOptimizer('RMSprop', params, c.opts);
    const g0 = gradsAt(0);
    opt.step(g0);
    const sd = opt.stateDict();
    const bytes = await writeSafetensors(sd.tensors, { optimizer: JSON.stringify(sd.meta) });
    opt.dispose();
    const { tensors, metadata } = parseSafetensors(bytes);
    const resumed = makeOptimizer('RMSprop', params, { lr: 1 });
    resumed.loadStateDict({ meta: JSON.parse(metadata.optimizer!), tensors });
    dispose(tensors);
    for (const s of [1, 2]) {
      const g = gradsAt(s);
      resumed.step(g);
      dispose(g);
    }
    c.steps[2]!.forEach((w, k) => expectClose(params[k]!.value, w, `resumed param ${k}`, 1e-5, 1e-6));
    dispose(g0);
    resumed.dispose();
    for (const p of params) p.dispose();
  }));

  it('rejects misfit gradients and states', () => noLeaks(() => {
    const params = shapes.map((s, k) => new Parameter(det(s, k)));
    const opt = new SGD(params, { lr: 0.1 });
    const bad = [tensor([1, 2, 3]), tensor([1, 2, 3, 4])];
    expect(() => opt.step(bad)).toThrow('SGD.step: gradient 0 is [3], parameter is [3,4]');
    const ok = det(shapes[0]!, 0);
    expect(() => opt.step([ok])).toThrow('SGD.step: no gradient for parameter 1 [4]');
    ok.dispose();
    expect(() => new Adam(params).loadStateDict(opt.stateDict())).toThrow('Adam.loadStateDict: state is for SGD');
    expect(() => new SGD(params, { lr: 0.1, nesterov: true })).toThrow('Nesterov momentum requires a momentum');
    dispose(bad);
    for (const p of params) p.dispose();
  }));
});

describe('clipping vs PyTorch', () => {
  for (const c of fx.clipNorm) {
    it(`clipGradNorm max ${c.maxNorm} norm ${c.normType}`, () => noLeaks(async () => {
      const g = shapes.map((s, k) => det(s, 10 + k, 1));
      const r = clipGradNorm(g, c.maxNorm, { normType: c.normType === 'inf' ? Infinity : c.normType });
      expect(await r.totalNorm.item()).toBeCloseTo(c.totalNorm, 5);
      r.grads.forEach((t, k) => expectClose(t, c.grads[k]!, `clipped ${k}`));
      dispose([...g, ...r.grads, r.totalNorm]);
    }));
  }
  it('clipGradValue', () => noLeaks(() => {
    const g = shapes.map((s, k) => det(s, 10 + k, 1));
    const r = clipGradValue(g, fx.clipValue.clipValue);
    r.forEach((t, k) => expectClose(t, fx.clipValue.grads[k]!, `clipped ${k}`));
    dispose([...g, ...r]);
  }));
});

describe('schedulers vs PyTorch', () => {
  for (const c of fx.schedulers) {
    it(c.scheduler, () => noLeaks(() => {
      const p = new Parameter(tensor([0]));
      const opt = new SGD([p], { lr: c.baseLr });
      const s = c.scheduler === 'StepLR'
        ? new StepLR(opt, { stepSize: c.opts.step_size!, gamma: c.opts.gamma })
        : new CosineAnnealingLR(opt, { tMax: c.opts.T_max!, etaMin: c.opts.eta_min });
      const lrs = c.lrs.map(() => s.step());
      lrs.forEach((lr, i) => expect(lr).toBeCloseTo(c.lrs[i]!, 12));
      p.dispose();
    }));
  }
});

