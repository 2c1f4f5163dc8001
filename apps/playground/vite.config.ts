import { defaultClientConditions, defineConfig } from 'vite';

/**
 * Workspace packages resolve to their TypeScript sources through the `@recur/source` export
 * condition, in the page and in the training worker alike, so the playground needs no prior build.
 */
export default defineConfig({
  root: import.meta.dirname,
  resolve: { conditions: ['@recur/source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', sourcemap: true },
  server: { host: '127.0.0.1' },
  // onnxruntime-node is a dev dependency of the e2e test only; keep it out of the dependency scan.
  optimizeDeps: { entries: ['index.html'] },
});
