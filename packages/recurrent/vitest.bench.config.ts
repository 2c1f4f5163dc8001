import { defineConfig } from 'vitest/config';

// `pnpm bench`: timing runs kept out of `pnpm test`.
export default defineConfig({
  resolve: { conditions: ['@recur/source'] },
  test: { include: ['bench/**/*.bench.test.ts'], testTimeout: 600_000 },
});
