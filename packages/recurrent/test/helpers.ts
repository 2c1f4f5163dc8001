/** Test helpers: deterministic parameters (same formula as tools/fixtures/gen_recurrent.py), fixture I/O, closeness, leaks. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { memory, tensor, type Tensor } from '@recur/tensor';
import { expect } from 'vitest';
import type { Module } from '../src/index.js';

export interface Fx { shape: number[]; data: number[] }

export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8')) as T;
}

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** float32(scale · cos(0.37 j + 1.3 k + 0.1)) over the flat index j. */
export function detData(shape: readonly number[], k: number, scale = 0.5): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let j = 0; j < n; j++) out[j] = scale * Math.cos(0.37 * j + 1.3 * k + 0.1);
  return out;
}

export function det(shape: readonly number[], k: number, scale = 0.5): Tensor {
  return tensor(detData(shape, k, scale), shape);
}

/** Loads det(shape, k, 0.5) into parameter number k, as the generator did. */
export function loadDet(m: Module): void {
  const rec: Record<string, Tensor> = {};
  m.namedParameters().forEach(([name, p], k) => (rec[name] = det(p.shape, k)));
  m.loadStateDict(rec);
  for (const t of Object.values(rec)) t.dispose();
}

export function fromFx(f: Fx): Tensor {
  return tensor(Float32Array.from(f.data), f.shape);
}

/** |a − b| ≤ atol + rtol·|b| elementwise, with the worst offender in the message. */
export function expectClose(actual: Tensor, want: Fx, what: string, rtol = 1e-5, atol = 1e-5): void {
  expect(actual.shape, `${what}: shape`).toEqual(want.shape);
  const a = actual.dataSync();
  let worst = -1, worstErr = 0;
  for (let i = 0; i < want.data.length; i++) {
    const err = Math.abs(a[i]! - want.data[i]!) - (atol + rtol * Math.abs(want.data[i]!));
    if (err > worstErr || Number.isNaN(a[i]!)) { worstErr = err; worst = i; }
  }
  if (worst >= 0) {
    expect.fail(`${what}: element ${worst} is ${a[worst]}, PyTorch has ${want.data[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Runs `fn` and checks that every tensor it created was freed. */
export async function noLeaks(fn: () => void | Promise<void>): Promise<void> {
  const before = memory().tensors;
  await fn();
  expect(memory().tensors, 'live tensors after the test').toBe(before);
}
