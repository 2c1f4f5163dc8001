/**
 * A canvas heatmap of per-token activations: one column per token, one row per hidden unit.
 * Sigmoid gates (in [0, 1]) use a sequential white→blue scale; tanh-range values (hidden state,
 * candidate g/n, cell state scaled by its largest magnitude) a diverging red–white–blue scale.
 * Pointer and arrow keys select a cell whose value is read out in text.
 */

export interface HeatmapData {
  tokens: string[];
  /** Row-major [T, units]: `values[t * units + u]`. */
  values: Float32Array;
  units: number;
  /** 'unit' for [0, 1] gates, 'signed' for values centred on 0. */
  scale: 'unit' | 'signed';
  label: string;
}

const CELL_W = 30;
const LEFT = 34;
const TOP = 70;

function color(v: number, scale: 'unit' | 'signed', maxAbs: number): string {
  if (!Number.isFinite(v)) return '#000';
  if (scale === 'unit') {
    const t = Math.min(1, Math.max(0, v));
    return `rgb(${Math.round(255 - 224 * t)},${Math.round(255 - 160 * t)},${Math.round(255 - 64 * t)})`;
  }
  const t = Math.max(-1, Math.min(1, v / (maxAbs || 1)));
  return t >= 0
    ? `rgb(${Math.round(255 - 224 * t)},${Math.round(255 - 160 * t)},${Math.round(255 - 64 * t)})`
    : `rgb(${Math.round(255 + 37 * t)},${Math.round(255 + 200 * t)},${Math.round(255 + 200 * t)})`;
}

export class Heatmap {
  private data: HeatmapData | null = null;
  private cellH = 12;
  private sel = { t: 0, u: 0 };
  private maxAbs = 1;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly readout: HTMLElement) {
    canvas.tabIndex = 0;
    canvas.addEventListener('pointermove', (e) => {
      const hit = this.hit(e.offsetX, e.offsetY);
      if (hit) this.select(hit.t, hit.u);
    });
    canvas.addEventListener('keydown', (e) => {
      if (!this.data) return;
      const T = this.data.tokens.length;
      const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      const m = moves[e.key];
      if (!m) return;
      e.preventDefault();
      this.select(Math.min(T - 1, Math.max(0, this.sel.t + m[0])), Math.min(this.data.units - 1, Math.max(0, this.sel.u + m[1])));
    });
  }

  show(data: HeatmapData): void {
    this.data = data;
    let m = 0;
    for (const v of data.values) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    this.maxAbs = data.scale === 'signed' ? Math.max(m, 1e-6) : 1;
    this.cellH = data.units > 64 ? 5 : data.units > 32 ? 8 : data.units > 16 ? 12 : 16;
    this.sel = { t: Math.min(this.sel.t, data.tokens.length - 1), u: Math.min(this.sel.u, data.units - 1) };
    const range = data.scale === 'unit' ? 'from 0 (white) to 1 (blue)' : `from −${this.maxAbs.toFixed(2)} (red) through 0 (white) to +${this.maxAbs.toFixed(2)} (blue)`;
    this.canvas.setAttribute('aria-label', `Heatmap of ${data.label}: ${data.tokens.length} tokens by ${data.units} units, colours ${range}. Use the arrow keys to read values.`);
    this.draw();
    this.select(this.sel.t, this.sel.u);
  }

  private hit(x: number, y: number): { t: number; u: number } | null {
    if (!this.data) return null;
    const t = Math.floor((x - LEFT) / CELL_W);
    const u = Math.floor((y - TOP) / this.cellH);
    if (t < 0 || u < 0 || t >= this.data.tokens.length || u >= this.data.units) return null;
    return { t, u };
  }

  private select(t: number, u: number): void {
    if (!this.data) return;
    this.sel = { t, u };
    const v = this.data.values[t * this.data.units + u]!;
    this.readout.textContent = `${this.data.label}: token ${t + 1} "${this.data.tokens[t]}", unit ${u}: ${v.toFixed(4)}`;
    this.draw();
  }

  private draw(): void {
    const d = this.data;
    if (!d) return;
    const T = d.tokens.length;
    const dpr = window.devicePixelRatio || 1;
    const w = LEFT + T * CELL_W + 8;
    const hgt = TOP + d.units * this.cellH + 8;
    this.canvas.width = Math.ceil(w * dpr);
    this.canvas.height = Math.ceil(hgt * dpr);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${hgt}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(dpr, dpr);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, hgt);
    for (let t = 0; t < T; t++) {
      for (let u = 0; u < d.units; u++) {
        ctx.fillStyle = color(d.values[t * d.units + u]!, d.scale, this.maxAbs);
        ctx.fillRect(LEFT + t * CELL_W, TOP + u * this.cellH, CELL_W - 1, this.cellH - 1);
      }
    }
    ctx.fillStyle = '#1b1d21';
    ctx.font = '11px ui-monospace, monospace';
    for (let t = 0; t < T; t++) {
      ctx.save();
      ctx.translate(LEFT + t * CELL_W + CELL_W / 2 + 4, TOP - 6);
      ctx.rotate(-Math.PI / 3);
      const tok = d.tokens[t]!;
      ctx.fillText(tok.length > 10 ? `${tok.slice(0, 9)}…` : tok, 0, 0);
      ctx.restore();
    }
    const step = Math.max(1, Math.ceil(12 / this.cellH));
    for (let u = 0; u < d.units; u += step) ctx.fillText(String(u), 4, TOP + u * this.cellH + Math.min(this.cellH, 11) - 1);
    ctx.strokeStyle = '#ff9e1b';
    ctx.lineWidth = 2;
    ctx.strokeRect(LEFT + this.sel.t * CELL_W - 1, TOP + this.sel.u * this.cellH - 1, CELL_W + 1, this.cellH + 1);
  }
}
