import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@recur/source'] },
  // Vitest runs tests through Vite's SSR pipeline: workspace packages must resolve to src there too.
  ssr: { resolve: { conditions: ['@recur/source'], externalConditions: ['@recur/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    // WebGPU tests run on SwiftShader through the `webgpu` package (TOOLCHAIN.md §3).
    env: { VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json', XDG_RUNTIME_DIR: '/tmp' },
  },
});
