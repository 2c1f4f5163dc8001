import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@recur/source'] },
  // Vitest runs tests through Vite's SSR pipeline: workspace packages must resolve to src there too.
  ssr: { resolve: { conditions: ['@recur/source'], externalConditions: ['@recur/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The browser tests each drive a Chromium; on 2 cores they run better one after the other.
    fileParallelism: false,
    env: { XDG_RUNTIME_DIR: '/tmp' },
  },
});
