/**
 * End to end, in Debian's headless Chromium: open the playground, train a tiny LSTM for a few dozen
 * steps, check the loss fell, predict a sentence, open the gate heatmap, export ONNX and run the
 * downloaded bytes in onnxruntime-node against the page's own prediction. Once on WebGPU
 * (SwiftShader) and once in a browser without WebGPU, where the page must fall back to the CPU
 * backend and say why. Screenshots go to test-results/ (set RECUR_UPDATE_SCREENSHOT=1 to refresh
 * docs/screenshot.png).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot, launch, NO_WEBGPU_FLAGS, startServer, WEBGPU_FLAGS } from './browser.js';

interface PageState {
  ready: boolean;
  backend: { name: string; reason: string } | null;
  running: boolean;
  step: number;
  steps: Array<{ step: number; loss: number; gradNorm: number; tokensPerSec: number }>;
  evals: Array<{ step: number; loss: number; accuracy: number }>;
  lastInspect: { ids: number[]; logits: number[]; probs: number[]; predicted: number; tokens: string[]; layers: unknown[] } | null;
  errors: string[];
}

const STEPS = 40;
const SENTENCE = 'the acting was not good .';
const results = resolve(appRoot, 'test-results');

const recur = (page: Page): Promise<PageState> => page.evaluate(() => (window as unknown as { __recur: PageState }).__recur);

/** Waits for a condition on window.__recur, failing early (with the page's errors) when one shows. */
async function waitFor(page: Page, what: string, fn: string, timeout = 60_000): Promise<void> {
  try {
    await page.waitForFunction(`(() => { const s = window.__recur; if (s && s.errors.length) return true; return ${fn}; })()`, null, { timeout });
  } catch (e) {
    throw new Error(`timed out waiting for ${what}; page errors: ${JSON.stringify((await recur(page)).errors)}`, { cause: e });
  }
  const errors = (await recur(page)).errors;
  if (errors.length) throw new Error(`page reported errors while waiting for ${what}: ${errors.join(' | ')}`);
}

async function train(page: Page): Promise<PageState> {
  await page.getByLabel('Reviews', { exact: true }).fill('1000');
  await page.getByLabel('Max tokens per text', { exact: true }).fill('40');
  await page.getByLabel('Embedding size', { exact: true }).fill('8');
  await page.getByLabel('Hidden size', { exact: true }).fill('12');
  await page.getByLabel('Learning rate', { exact: true }).fill('0.05');
  await page.getByLabel('Batch size', { exact: true }).fill('16');
  await page.getByLabel('Validate every (steps)', { exact: true }).fill('20');
  await page.getByRole('spinbutton', { name: /^Stop after/ }).fill(String(STEPS));
  await expect.poll(() => page.locator('#param-count').textContent()).toMatch(/^Parameters: [\d,]+ \(embedding/);
  await page.getByRole('button', { name: 'Prepare data and build model' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Start' }).isEnabled(), { timeout: 30_000 }).toBe(true);
  await page.getByRole('button', { name: 'Start' }).click();
  await waitFor(page, 'training to start', 's.running || s.step > 0');
  // "Stop after" makes the run exactly STEPS seeded steps, so the loss curve is the same every time.
  await waitFor(page, `${STEPS} training steps`, `s.step >= ${STEPS} && !s.running`, 180_000);
  await expect.poll(() => page.getByRole('button', { name: 'Pause' }).isDisabled()).toBe(true);
  return recur(page);
}

/** Mean loss of the first and last `n` steps. */
function lossEnds(s: PageState, n = 8): [number, number] {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const losses = s.steps.map((r) => r.loss);
  return [mean(losses.slice(0, n)), mean(losses.slice(-n))];
}

async function predictAndExport(page: Page): Promise<{ state: PageState; onnx: Uint8Array }> {
  await page.getByLabel('Text to classify', { exact: true }).fill(SENTENCE);
  await page.getByRole('button', { name: 'Predict' }).click();
  await waitFor(page, 'the prediction', 's.lastInspect !== null');
  await expect.poll(() => page.locator('#prediction-summary').textContent()).toMatch(/^Prediction: (positive|negative) \(\d+\.\d %\)/);
  // The heatmap: open it, pick the forget gate, and check the canvas got drawn and described.
  await page.getByText('Gate and hidden-state heatmap').click();
  await page.getByLabel('Show', { exact: true }).selectOption({ label: 'forget gate f' });
  await expect.poll(() => page.locator('#heatmap').getAttribute('aria-label')).toMatch(/^Heatmap of forget gate f, layer 1: 6 tokens by 12 units/);
  const painted = await page.locator('#heatmap').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let colored = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i]! < 200 && d[i + 2]! > 150) colored++;
    return colored;
  });
  expect(painted).toBeGreaterThan(100);
  await page.locator('#heatmap').focus();
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => page.locator('#hm-readout').textContent()).toMatch(/token 2 "acting", unit 0: -?\d\.\d{4}/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ONNX' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^recur-lstm-12x1\.onnx$/);
  const path = await download.path();
  return { state: await recur(page), onnx: new Uint8Array(readFileSync(path)) };
}

/** Runs the exported model in onnxruntime-node on the page's token ids; returns its logits. */
async function runOnnx(bytes: Uint8Array, ids: number[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  const T = ids.length;
  const out = await session.run({
    text: new ort.Tensor('int32', Int32Array.from(ids), [T, 1]),
    lengths: new ort.Tensor('int32', Int32Array.from([T]), [1]),
  });
  return Array.from(out.logits!.data as Float32Array);
}

async function checkRun(page: Page, expectBackend: 'webgpu' | 'cpu', shot: string): Promise<void> {
  const s = await train(page);
  expect(s.backend?.name).toBe(expectBackend);
  expect(s.steps.map((r) => r.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
  // The seeded run is the same on both backends (to ~1e-5): the mean training loss of the first 8
  // steps is ≈0.70 and of the last 8 ≈0.64. Validation runs at steps 20 and 40.
  const [first, last] = lossEnds(s);
  expect(last, `loss went from ${first.toFixed(4)} to ${last.toFixed(4)}`).toBeLessThan(first - 0.04);
  expect(s.evals.map((e) => e.step)).toEqual([20, 40]);
  for (const e of s.evals) expect(e.accuracy).toBeGreaterThan(0);
  for (const r of s.steps) {
    expect(Number.isFinite(r.gradNorm) && r.gradNorm > 0).toBe(true);
    expect(r.tokensPerSec).toBeGreaterThan(0);
  }
  const { state, onnx } = await predictAndExport(page);
  const inspect = state.lastInspect!;
  expect(inspect.tokens).toEqual(['the', 'acting', 'was', 'not', 'good', '.']);
  expect(inspect.layers.length).toBe(1);
  const logits = await runOnnx(onnx, inspect.ids);
  expect(logits.length).toBe(inspect.logits.length);
  logits.forEach((v, i) => expect(Math.abs(v - inspect.logits[i]!), `logit ${i}: ONNX ${v} vs page ${inspect.logits[i]}`).toBeLessThan(1e-4));
  mkdirSync(results, { recursive: true });
  await page.screenshot({ path: resolve(results, shot), fullPage: true });
  if (process.env.RECUR_UPDATE_SCREENSHOT && expectBackend === 'webgpu') {
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.waitForTimeout(300); // charts follow their containers' new width
    await page.screenshot({ path: resolve(appRoot, 'docs/screenshot.png'), fullPage: true, type: 'png' });
  }
}

/** Save in IndexedDB and load back, upload the downloaded safetensors, and a wrong file's error. */
async function checkFiles(page: Page): Promise<void> {
  const before = (await recur(page)).lastInspect!.logits;
  await page.getByLabel('Name', { exact: true }).fill('e2e-model');
  await page.getByRole('button', { name: 'Save in this browser' }).click();
  await expect.poll(() => page.locator('#files-status').textContent()).toMatch(/^Saved "e2e-model" in this browser/);
  await page.getByRole('button', { name: 'Load saved model' }).click();
  await expect.poll(() => page.locator('#files-status').textContent()).toBe('Loaded "e2e-model".');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download safetensors' }).click()]);
  await page.getByLabel(/^A \.safetensors file/).setInputFiles({ name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: readFileSync(await download.path()) });
  await expect.poll(() => page.locator('#files-status').textContent()).toMatch(/^Loaded model\.safetensors: LSTM 12×1, 2,\d{3} parameters\.$/);
  await page.getByRole('button', { name: 'Predict' }).click();
  await waitFor(page, 'the prediction of the reloaded model', 's.lastInspect.logits !== undefined');
  await expect.poll(async () => (await recur(page)).lastInspect!.logits).toEqual(before);
  // A model trained by `recur train`: its run folder's files, and the CLI's own predictions.
  const fixture = resolve(appRoot, 'test/fixtures/cli-gru');
  await page.getByLabel(/^A \.safetensors file/).setInputFiles(['model.safetensors', 'vocab.json', 'config.json'].map((f) => resolve(fixture, f)));
  await expect.poll(() => page.locator('#files-status').textContent()).toBe('Loaded model.safetensors: GRU 16×1, 3,101 parameters.');
  const cli = readFileSync(resolve(fixture, 'predictions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; probability: number });
  for (const { text, probability } of cli) {
    await page.getByLabel('Text to classify', { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Predict' }).click();
    await expect.poll(async () => (await recur(page)).lastInspect!.tokens.join(' ')).toBe(text);
    expect(Math.abs((await recur(page)).lastInspect!.probs[1]! - probability)).toBeLessThan(1e-5);
  }
  expect((await recur(page)).errors).toEqual([]);
  // A file of the wrong format is reported in the page, not only in the console.
  await page.getByLabel('Your file or aclImdb folder').check();
  await page.locator('#data-file').setInputFiles({ name: 'reviews.jsonl', mimeType: 'text/plain', buffer: Buffer.from('{"text": "fine", "label": 1}\nnot json\n') });
  await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong file format — reviews.jsonl: line 2 is not valid JSON');
  expect(await page.getByRole('alert').isVisible()).toBe(true);
  await page.evaluate(() => { (window as unknown as { __recur: PageState }).__recur.errors.length = 0; });
}

describe('playground in headless Chromium', () => {
  let server: ViteDevServer;
  let url: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ({ server, url } = await startServer());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('trains on WebGPU, predicts, shows gates and exports ONNX that onnxruntime agrees with', async () => {
    browser = await launch(WEBGPU_FLAGS);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await waitFor(page, 'the backend', 's.ready');
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/^Backend: WebGPU \(google swiftshader/);
    // Every control has an accessible name, and Tab reaches the first one.
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, select, button, textarea')]
      .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label') && !(el.tagName === 'BUTTON' && el.textContent?.trim()))
      .map((el) => el.outerHTML));
    expect(unnamed).toEqual([]);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to inspection');
    await checkRun(page, 'webgpu', 'playground-webgpu.png');
    await browser.close();
    browser = undefined;
  }, 240_000);

  it('falls back to the CPU backend, says why, and still trains and exports', async () => {
    browser = await launch(NO_WEBGPU_FLAGS);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(url);
    await waitFor(page, 'the backend', 's.ready');
    const badge = await page.locator('#backend').textContent();
    expect(badge).toMatch(/^Backend: CPU — WebGPU (is not available in this browser|is present but the browser offers no adapter|could not start)/);
    await checkRun(page, 'cpu', 'playground-cpu-phone.png');
    await checkFiles(page);
    await browser.close();
    browser = undefined;
  }, 240_000);
});
