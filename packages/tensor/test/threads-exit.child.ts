/**
 * Child process of threads.test.ts: turns threads on, splits a product, and returns without
 * turning them off. The process must still exit on its own (the workers are unref'd).
 */
import { matMul, randomUniform, scope, setNumThreads } from '../src/index.js';
import { splitCount } from '../src/cpu/wasm/threads.js';

setNumThreads(2);
const sum = scope(() => {
  const a = randomUniform([96, 96], -1, 1), b = randomUniform([96, 96], -1, 1);
  return (matMul(a, b).dataSync() as Float32Array).reduce((s, v) => s + v, 0);
});
console.log(JSON.stringify({ splits: splitCount(), finite: Number.isFinite(sum) }));
