import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trainToy } from '../examples/toy-classifier.js';
import { noLeaks } from './helpers.js';

const read = (rel: string) => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');

describe('README example', () => {
  it('the README shows examples/toy-classifier.ts verbatim', () => {
    expect(read('../README.md')).toContain(read('../examples/toy-classifier.ts').trim());
  });

  it('trains the toy LSTM classifier: the loss falls and the run is reproducible', () => noLeaks(async () => {
    const a = await trainToy();
    expect(a[0]).toBeGreaterThan(0.5);
    expect(a[a.length - 1]).toBeLessThan(0.05);
    const b = await trainToy(5);
    expect(b).toEqual(a.slice(0, 5));
  }));
});
