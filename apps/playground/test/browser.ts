/**
 * Test helpers: the playground's Vite dev server on 127.0.0.1 (port 0) and Debian's Chromium with
 * the SwiftShader flags that give WebGPU compute and canvas in headless mode (TOOLCHAIN.md §4).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

export const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const BASE_FLAGS = [
  '--headless=new', '--no-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-dev-shm-usage',
];
/** WebGPU on SwiftShader (Vulkan) with working canvas presentation. */
export const WEBGPU_FLAGS = [
  ...BASE_FLAGS, '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader',
  '--use-angle=vulkan', '--use-webgpu-adapter=swiftshader',
];
/** No WebGPU: without --enable-unsafe-webgpu headless Chromium here finds no adapter. */
export const NO_WEBGPU_FLAGS = [...BASE_FLAGS, '--disable-features=WebGPU,Vulkan'];

export const CHROMIUM = process.env.RECUR_CHROMIUM ?? '/usr/bin/chromium';

export async function startServer(): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({
    root: appRoot,
    configFile: resolve(appRoot, 'vite.config.ts'),
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite: no local URL after listen()');
  return { server, url };
}

export function launch(args: string[]): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args, env: { ...process.env, XDG_RUNTIME_DIR: '/tmp' } });
}
