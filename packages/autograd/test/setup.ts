/** Autograd test setup: the shared tensor/buffer leak check, plus no graph node may outlive a test. */
import '@recur/tensor/testing/setup';
import { afterEach } from 'vitest';
import { liveGradNodes } from '../src/index.js';

afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') return;
  const n = liveGradNodes();
  if (n !== 0) throw new Error(`leak check (${ctx.task.name}): ${n} autograd graph node(s) outlived the test`);
});
