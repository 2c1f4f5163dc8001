import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

/**
 * @recur/autograd installs its gradient rules by importing `grads/*` for their side effects, while its
 * package.json says `"sideEffects": false`; a production bundle would then drop every rule and
 * training would fail with "kernel 'Gather' has no gradient rule". Mark those modules as having side
 * effects until the package declares them itself.
 */
function keepGradRules(): Plugin {
  const gradModule = /[\\/](?:@recur[\\/]autograd|packages[\\/]autograd)[\\/](?:src|dist)[\\/]grads[\\/]/;
  return {
    name: 'recur:keep-autograd-grad-rules',
    transform(code, id) {
      return gradModule.test(id) ? { code, map: null, moduleSideEffects: true } : null;
    },
  };
}

/**
 * Workspace packages resolve to their TypeScript sources through the `@recur/source` export
 * condition, in the page and in the training worker alike, so the playground needs no prior build.
 */
export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['@recur/source', ...defaultClientConditions] },
  plugins: [keepGradRules()],
  worker: { format: 'es', plugins: () => [keepGradRules()] },
  build: { target: 'es2022', outDir: 'dist', sourcemap: true },
  server: { host: '127.0.0.1' },
  // onnxruntime-node is a dev dependency of the e2e test only; keep it out of the dependency scan.
  optimizeDeps: { entries: ['index.html'] },
});
