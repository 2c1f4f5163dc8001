/**
 * Vitest setup file: asserts after every test that no tensor and no backend buffer outlived it.
 *
 * @example
 * // vitest.config.ts
 * test: { setupFiles: ['@recur/tensor/testing/setup'] }
 */
import { afterEach, beforeEach } from 'vitest';
import { registerDefaultBackend } from '../default-backend.js';
import { expectNoLeaks, trackLeaks, type LeakSnapshot } from './leaks.js';

// A test file may load only this setup (no tensor code of its own): it still needs the default.
registerDefaultBackend();

let snapshot: LeakSnapshot | undefined;

beforeEach(() => {
  snapshot = trackLeaks();
});

afterEach((ctx) => {
  const snap = snapshot;
  snapshot = undefined;
  // A test that already failed usually leaks its operands; report the original failure only.
  if (!snap || ctx.task.result?.state === 'fail') return;
  expectNoLeaks(snap, `leak check (${ctx.task.name})`);
});
