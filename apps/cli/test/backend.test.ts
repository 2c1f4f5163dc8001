/** --backend webgpu: Dawn on SwiftShader when its Vulkan ICD is installed (TOOLCHAIN.md §3). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliProcess, oneLineError, tempDir } from './helpers.js';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

describe('--backend', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('rejects an unknown backend in one line', async () => {
    const r = await cli('train', '--backend', 'tpu', '--out', join(dir, 'x'));
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe("recur: option '--backend' must be one of cpu|webgpu, got 'tpu'");
  });

  it.skipIf(!existsSync(ICD))('webgpu trains a few steps and prints the adapter', () => {
    const r = cliProcess(['train', '--backend', 'webgpu', '--out', join(dir, 'gpu'), '--limit', '100', '--test-limit', '20', '--epochs', '1', '--hidden', '8', '--embedding-dim', '8', '--no-baseline'], { env: { VK_ICD_FILENAMES: ICD } });
    expect(r.stderr).not.toContain('recur:'); // Dawn / the Vulkan loader may print their own notices
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backend: webgpu \(adapter: .+\)$/m);
    expect(r.stdout).toMatch(/test accuracy \d+\.\d\d%/);
  });
});
