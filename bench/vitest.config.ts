import { defineConfig } from 'vitest/config';

// The bench's own logic (ratios, BLAS parsing); the benchmarks themselves run with `pnpm bench`.
export default defineConfig({ test: { include: ['src/**/*.test.ts'] } });
