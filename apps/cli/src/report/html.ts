/** report.html: one self-contained page per run (inline CSS and SVG, no scripts, no network). */
import type { TrainConfig } from '../config.js';
import type { BaselineRow, EpochRow, MetricsRow, StepRow, TestRow } from '../metrics.js';
import { PRESET_RESULTS, PUBLISHED } from './references.js';
import { confusionMatrixSvg, esc, lineChart } from './svg.js';

/** Facts about a run besides its metrics (state.json of the run directory). */
export interface RunSummary {
  name: string;
  status: string;
  parameters: number;
  architecture: string;
  vocabSize: number;
  dataSource: string;
  trainCount: number;
  validCount: number;
  trainSeconds: number;
  backend: string;
  createdAt: string;
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '—');
const num = (x: number, d = 4): string => (Number.isFinite(x) ? x.toFixed(d) : '—');

function table(rows: readonly (readonly [string, string])[]): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

function flatten(prefix: string, o: unknown, out: [string, string][]): [string, string][] {
  if (o && typeof o === 'object' && !Array.isArray(o)) for (const [k, v] of Object.entries(o)) flatten(prefix ? `${prefix}.${k}` : k, v, out);
  else out.push([prefix, o === null ? 'none' : String(o)]);
  return out;
}

/**
 * This run beside the presets' measured IMDB results, the bag-of-words baseline and published
 * references (report/references.ts), so a number can be read against what it should reach.
 */
function comparisonTable(config: TrainConfig, run: RunSummary, test: TestRow | undefined, baseline: BaselineRow | undefined): string {
  const row = (cells: string[]) => `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  const mins = (m: number | null, threads: number) => (m === null ? '—' : `${m.toFixed(1)} min (${threads} thread${threads > 1 ? 's' : ''})`);
  const rows = [
    row([`this run (${config.preset})`, run.architecture, test ? `${pct(test.acc)} (${test.split}, ${test.count} texts)` : '—', `${(run.trainSeconds / 60).toFixed(1)} min`, run.parameters.toLocaleString('en-US')]),
    ...(baseline ? [row(['bag-of-words baseline (this run)', 'logistic regression on log-counts', pct(baseline.testAcc), '—', '—'])] : []),
    ...PRESET_RESULTS.map((p) => row([`preset ${p.preset} (measured ${p.measured})`, p.model, p.testAcc === null ? 'not measured' : pct(p.testAcc), mins(p.trainMinutes, p.threads), p.parameters.toLocaleString('en-US')])),
    ...PUBLISHED.map((p) => row([`published: ${p.source}`, p.what, pct(p.testAcc), '—', '—'])),
  ];
  return `<table class="grid"><tr><th>what</th><th>model</th><th>IMDB test accuracy</th><th>training</th><th>parameters</th></tr>${rows.join('')}</table>`;
}

/**
 * Renders the report page.
 *
 * @example
 * writeFileAtomic(join(dir, 'report.html'), renderReport(config, readMetrics(metricsPath), summary));
 */
export function renderReport(config: TrainConfig, rows: readonly MetricsRow[], run: RunSummary): string {
  const steps = rows.filter((r): r is StepRow => r.type === 'step');
  const epochs = rows.filter((r): r is EpochRow => r.type === 'epoch');
  const test = rows.filter((r): r is TestRow => r.type === 'test').at(-1);
  const baseline = rows.filter((r): r is BaselineRow => r.type === 'baseline').at(-1);
  const lossChart = lineChart('Loss', 'step', [
    { name: 'train (window)', color: '#1f77b4', points: steps.map((s) => [s.step, s.loss]) },
    { name: 'validation', color: '#d62728', points: epochs.map((e) => [e.step, e.validLoss]), dots: true },
  ], { yMin: 0 });
  const accChart = lineChart('Accuracy', 'step', [
    { name: 'train (window)', color: '#1f77b4', points: steps.map((s) => [s.step, s.acc]) },
    { name: 'validation', color: '#d62728', points: epochs.map((e) => [e.step, e.validAcc]), dots: true },
  ], { yMax: 1 });
  const epochTable = epochs.length
    ? `<table class="grid"><tr><th>epoch</th><th>step</th><th>train loss</th><th>train acc</th><th>valid loss</th><th>valid acc</th><th>seconds</th><th>best</th></tr>${epochs
        .map((e) => `<tr><td>${e.epoch}</td><td>${e.step}</td><td>${num(e.trainLoss)}</td><td>${pct(e.trainAcc)}</td><td>${num(e.validLoss)}</td><td>${pct(e.validAcc)}</td><td>${e.seconds.toFixed(1)}</td><td>${e.best ? '★' : ''}</td></tr>`)
        .join('')}</table>`
    : '<p>No completed epoch yet.</p>';
  const tokensPerSec = steps.length ? steps.reduce((a, s) => a + s.tokensPerSec, 0) / steps.length : NaN;
  const results: [string, string][] = [];
  if (test) results.push([`test accuracy (${test.split}, ${test.count} texts, ${test.checkpoint} checkpoint)`, pct(test.acc)], ['test loss', num(test.loss)]);
  if (baseline) results.push([`bag-of-words baseline accuracy (${baseline.split})`, pct(baseline.testAcc)]);
  const best = epochs.filter((e) => e.best).at(-1);
  if (best) results.push(['best validation accuracy', `${pct(best.validAcc)} (epoch ${best.epoch})`]);
  const timings: [string, string][] = [
    ['training wall time', `${run.trainSeconds.toFixed(1)} s`],
    ...epochs.map((e): [string, string] => [`epoch ${e.epoch}`, `${e.seconds.toFixed(1)} s`]),
    ['mean tokens/s (training)', Number.isFinite(tokensPerSec) ? tokensPerSec.toFixed(0) : '—'],
    ...(test ? [['test evaluation', `${test.seconds.toFixed(1)} s`] as [string, string]] : []),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>recur run ${esc(run.name)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1180px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px}th,td{padding:3px 10px;text-align:left}
table th{color:#555;font-weight:600}table.grid td,table.grid th{border:1px solid #ddd;text-align:right}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{background:#fafafa;border:1px solid #eee;font-family:inherit}
.big{font-size:20px;font-weight:bold}
</style></head><body>
<h1>recur run <code>${esc(run.name)}</code></h1>
<p>${esc(run.architecture)} · ${run.parameters.toLocaleString('en-US')} parameters · vocab ${run.vocabSize.toLocaleString('en-US')} · data: ${esc(run.dataSource)} (${run.trainCount} train / ${run.validCount} valid) · status: <b>${esc(run.status)}</b> · backend ${esc(run.backend)} · ${esc(run.createdAt)}</p>
${test ? `<p class="big">Test accuracy ${pct(test.acc)}${baseline ? ` (bag of words: ${pct(baseline.testAcc)})` : ''}</p>` : ''}
<h2>Results</h2>${results.length ? table(results) : '<p>No evaluation yet.</p>'}
<h2>Against the presets and published IMDB results</h2>${comparisonTable(config, run, test, baseline)}
<h2>Curves</h2><div class="charts">${lossChart}${accChart}</div>
<h2>Epochs</h2>${epochTable}
<h2>Confusion matrix (test)</h2>${test ? confusionMatrixSvg(test.confusion, ['negative', 'positive']) : '<p>No test evaluation yet.</p>'}
<h2>Timings</h2>${table(timings)}
<h2>Configuration</h2>${table(flatten('', config, []))}
</body></html>
`;
}
