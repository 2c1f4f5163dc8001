/**
 * The production bundle (what `pnpm --filter @recur/playground build` ships) trains in the browser
 * and loads nothing from outside its own origin. This caught tree-shaking dropping the gradient
 * rules that @recur/autograd installs by side-effect imports (see vite.config.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, expect, it } from 'vitest';
import { appRoot, launch, NO_WEBGPU_FLAGS } from './browser.js';

const outDir = mkdtempSync(join(tmpdir(), 'recur-playground-build-'));
let server: PreviewServer | undefined;

afterAll(async () => {
  await new Promise<void>((r) => (server ? server.httpServer.close(() => r()) : r()));
  rmSync(outDir, { recursive: true, force: true });
});

it('the built app trains a sequence task offline and exports ONNX', async () => {
  const configFile = resolve(appRoot, 'vite.config.ts');
  await build({ root: appRoot, configFile, logLevel: 'error', build: { outDir, emptyOutDir: true, sourcemap: false } });
  server = await preview({ root: appRoot, configFile, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  const url = server.resolvedUrls!.local[0]!;
  const browser = await launch(NO_WEBGPU_FLAGS);
  try {
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (r) => { if (!/^(blob:|data:)/.test(r.url()) && !r.url().startsWith(new URL(url).origin)) foreign.push(r.url()); });
    await page.goto(`${url}?backend=cpu`);
    await page.waitForFunction('window.__recur && window.__recur.ready');
    expect(await page.locator('#backend').textContent()).toBe('Backend: CPU — CPU backend, as asked for with ?backend=cpu');
    await page.getByLabel('Sequence task (long-range memory)').check();
    await page.getByLabel('Task', { exact: true }).selectOption('brackets');
    await page.getByLabel('Sequence length', { exact: true }).fill('12');
    await page.getByLabel('Examples', { exact: true }).fill('300');
    await page.getByRole('spinbutton', { name: /^Stop after/ }).fill('6');
    await page.getByRole('button', { name: 'Prepare data and build model' }).click();
    await page.waitForFunction('!document.querySelector("#start").disabled || window.__recur.errors.length');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForFunction('(window.__recur.step >= 6 && !window.__recur.running) || window.__recur.errors.length', null, { timeout: 60_000 });
    await page.getByLabel('Text to classify', { exact: true }).fill('(()())');
    await page.getByRole('button', { name: 'Predict' }).click();
    await page.waitForFunction('window.__recur.lastInspect || window.__recur.errors.length');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
    const s = await page.evaluate('window.__recur') as { errors: string[]; step: number; lastInspect: { tokens: string[] } };
    expect(s.errors).toEqual([]);
    expect(s.step).toBe(6);
    expect(s.lastInspect.tokens).toEqual(['(', '(', ')', '(', ')', ')']);
    expect(download.suggestedFilename()).toBe('recur-lstm-32x1.onnx');
    expect(foreign).toEqual([]);
  } finally {
    await browser.close();
  }
}, 120_000);
