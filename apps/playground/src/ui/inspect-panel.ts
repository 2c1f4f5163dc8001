/**
 * The inspection panel: class probabilities, per-token contributions (leave-one-out: how much the
 * predicted class's probability drops without the token) and the gate / hidden-state heatmap.
 */
import { GATE_NAMES, type CellType } from '../model-config.js';
import type { InspectResult, LayerTrace } from '../protocol.js';
import { byId, h } from './dom.js';
import { Heatmap, type HeatmapData } from './heatmap.js';

const GATE_TITLES: Record<string, string> = {
  i: 'input gate i', f: 'forget gate f', g: 'candidate g', o: 'output gate o',
  r: 'reset gate r', z: 'update gate z', n: 'candidate n',
};
/** Gates whose activation is a sigmoid (in [0, 1]); the candidates g and n are tanh. */
const SIGMOID_GATES = new Set(['i', 'f', 'o', 'r', 'z']);

interface View { key: string; label: string }

function viewsFor(cell: CellType, trace: LayerTrace): View[] {
  const views: View[] = [];
  if (trace.gates) for (const g of GATE_NAMES[cell]) views.push({ key: g, label: GATE_TITLES[g]! });
  if (trace.cells) views.push({ key: 'c', label: 'cell state c' });
  views.push({ key: 'h', label: 'hidden state h' });
  return views;
}

/** The [T, H] block of one view out of a trace. */
export function viewValues(cell: CellType, trace: LayerTrace, key: string, T: number): Float32Array {
  const H = trace.hiddenSize;
  if (key === 'h') return trace.hidden;
  if (key === 'c') return trace.cells!;
  const gi = GATE_NAMES[cell].indexOf(key);
  const G = GATE_NAMES[cell].length * H;
  const out = new Float32Array(T * H);
  for (let t = 0; t < T; t++) out.set(trace.gates!.subarray(t * G + gi * H, t * G + (gi + 1) * H), t * H);
  return out;
}

export class InspectPanel {
  private readonly heatmap = new Heatmap(byId<HTMLCanvasElement>('heatmap'), byId('hm-readout'));
  private readonly layerSel = byId<HTMLSelectElement>('hm-layer');
  private readonly viewSel = byId<HTMLSelectElement>('hm-view');
  private result: InspectResult | null = null;
  private cell: CellType = 'lstm';

  constructor() {
    this.layerSel.addEventListener('change', () => this.fillViews());
    this.viewSel.addEventListener('change', () => this.drawHeatmap());
  }

  show(r: InspectResult, classes: string[], cell: CellType): void {
    this.result = r;
    this.cell = cell;
    const pred = byId('prediction');
    const rows = r.probs.map((p, k) => {
      const row = h('div', { class: `prob-row${k === r.predicted ? ' is-top' : ''}` });
      const bar = h('div', { class: 'prob-bar', role: 'presentation' });
      const fill = h('span');
      fill.style.width = `${(p * 100).toFixed(1)}%`;
      bar.append(fill);
      row.append(h('span', {}, classes[k] ?? `class ${k}`), bar, h('span', {}, `${(p * 100).toFixed(1)} %`));
      return row;
    });
    const summary = h('p', {}, `Prediction: ${classes[r.predicted] ?? r.predicted} (${(r.probs[r.predicted]! * 100).toFixed(1)} %) from ${r.tokens.length} tokens.`);
    summary.id = 'prediction-summary';
    pred.replaceChildren(summary, ...rows);
    this.showContributions(r, classes);
    this.layerSel.replaceChildren(...r.layers.map((t, i) => h('option', { value: String(i) }, `layer ${t.layer + 1}${t.direction ? ' (reverse)' : r.layers.some((x) => x.direction) ? ' (forward)' : ''}`)));
    this.fillViews();
  }

  private showContributions(r: InspectResult, classes: string[]): void {
    const box = byId('contrib');
    const maxAbs = Math.max(1e-6, ...r.contributions.map(Math.abs));
    const label = classes[r.predicted] ?? String(r.predicted);
    const chips = r.tokens.map((tok, i) => {
      const c = r.contributions[i]!;
      const a = Math.min(1, Math.abs(c) / maxAbs);
      const chip = h('span', { class: 'token', title: `${c >= 0 ? '+' : ''}${(c * 100).toFixed(1)} points for ${label}` }, tok);
      chip.style.background = c >= 0 ? `rgba(31,95,191,${(0.75 * a).toFixed(3)})` : `rgba(179,38,30,${(0.75 * a).toFixed(3)})`;
      if (a > 0.55) chip.style.color = '#fff';
      chip.setAttribute('aria-label', `${tok}: ${c >= 0 ? 'supports' : 'opposes'} ${label} by ${Math.abs(c * 100).toFixed(1)} points`);
      return chip;
    });
    const legend = h('p', { class: 'hint' }, `Token contributions: blue supports "${label}", red opposes it (probability change when the token is left out).`);
    legend.style.flexBasis = '100%';
    box.replaceChildren(legend, ...chips);
  }

  private fillViews(): void {
    const r = this.result;
    if (!r) return;
    const trace = r.layers[Number(this.layerSel.value) || 0];
    if (!trace) return;
    const prev = this.viewSel.value;
    const views = viewsFor(this.cell, trace);
    this.viewSel.replaceChildren(...views.map((v) => h('option', { value: v.key }, v.label)));
    if (views.some((v) => v.key === prev)) this.viewSel.value = prev;
    this.drawHeatmap();
  }

  private drawHeatmap(): void {
    const r = this.result;
    if (!r) return;
    const trace = r.layers[Number(this.layerSel.value) || 0];
    if (!trace) return;
    const key = this.viewSel.value || 'h';
    const T = r.tokens.length;
    const data: HeatmapData = {
      tokens: r.tokens,
      values: viewValues(this.cell, trace, key, T),
      units: trace.hiddenSize,
      scale: SIGMOID_GATES.has(key) ? 'unit' : 'signed',
      label: `${this.viewSel.selectedOptions[0]?.textContent ?? key}, ${this.layerSel.selectedOptions[0]?.textContent ?? ''}`,
    };
    this.heatmap.show(data);
  }
}
