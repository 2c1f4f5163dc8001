import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@recur/source'] },
  // Vitest runs tests through Vite's SSR pipeline: workspace packages must resolve to src there too.
  ssr: { resolve: { conditions: ['@recur/source'], externalConditions: ['@recur/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Every test fails if a tensor or backend buffer outlives it.
    setupFiles: ['./test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // onnxruntime-node's WebGPU EP needs a Vulkan adapter: SwiftShader from Debian's chromium (TOOLCHAIN.md §3).
    env: { VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json', XDG_RUNTIME_DIR: '/tmp' },
  },
});
