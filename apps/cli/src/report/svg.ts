/** Inline SVG charts for report.html, drawn by hand (no libraries, no CDN). */

export interface Series {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
  /** Draw dots at each point (for sparse per-epoch series). */
  dots?: boolean;
}

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/**
 * A line chart of one or more series sharing the axes.
 *
 * @example
 * lineChart('Loss', 'step', [{ name: 'train', color: '#1f77b4', points: [[1, 0.7], [2, 0.5]] }]);
 */
export function lineChart(title: string, xLabel: string, series: readonly Series[], opts: { yMin?: number; yMax?: number } = {}): string {
  const W = 560, H = 300, L = 56, R = 16, T = 30, B = 44;
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (all.length === 0) return `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}"><text x="${W / 2}" y="${H / 2}" text-anchor="middle">${esc(title)}: no data</text></svg>`;
  let x0 = Math.min(...all.map((p) => p[0])), x1 = Math.max(...all.map((p) => p[0]));
  let y0 = opts.yMin ?? Math.min(...all.map((p) => p[1])), y1 = opts.yMax ?? Math.max(...all.map((p) => p[1]));
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
  const sx = (x: number): number => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y: number): number => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
  const parts: string[] = [`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`];
  parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  for (const t of niceTicks(y0, y1, 5)) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${L - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${t}</text>`);
  }
  for (const t of niceTicks(x0, x1, 6)) {
    parts.push(`<text x="${sx(t).toFixed(1)}" y="${H - B + 16}" text-anchor="middle" font-size="11">${t}</text>`);
  }
  parts.push(`<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/>`);
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`);
  series.forEach((s, k) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length > 1) {
      const d = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`);
    }
    if (s.dots || pts.length === 1) for (const [x, y] of pts) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3.5" fill="${s.color}"/>`);
    const lx = L + 10 + k * 130;
    parts.push(`<rect x="${lx}" y="${T + 2}" width="12" height="3" fill="${s.color}"/><text x="${lx + 16}" y="${T + 8}" font-size="11">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/**
 * A 2×2 confusion matrix, rows = true label, columns = predicted: `[[tn, fp], [fn, tp]]`.
 *
 * @example
 * confusionMatrixSvg([[90, 10], [5, 95]], ['neg', 'pos']);
 */
export function confusionMatrixSvg(m: readonly (readonly number[])[], labels: readonly string[]): string {
  const n = labels.length, cell = 90, L = 90, T = 50;
  const W = L + n * cell + 20, H = T + n * cell + 30;
  const total = m.flat().reduce((a, b) => a + b, 0) || 1;
  const max = Math.max(1, ...m.flat());
  const parts = [`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="confusion matrix">`];
  parts.push(`<text x="${L + (n * cell) / 2}" y="18" text-anchor="middle" font-size="12">predicted</text>`);
  parts.push(`<text x="16" y="${T + (n * cell) / 2}" font-size="12" transform="rotate(-90 16 ${T + (n * cell) / 2})" text-anchor="middle">true</text>`);
  for (let i = 0; i < n; i++) {
    parts.push(`<text x="${L + i * cell + cell / 2}" y="${T - 8}" text-anchor="middle" font-size="12">${esc(labels[i]!)}</text>`);
    parts.push(`<text x="${L - 8}" y="${T + i * cell + cell / 2 + 4}" text-anchor="end" font-size="12">${esc(labels[i]!)}</text>`);
    for (let j = 0; j < n; j++) {
      const v = m[i]?.[j] ?? 0;
      const shade = Math.round(245 - (v / max) * 170);
      const color = i === j ? `rgb(${shade},${Math.min(255, shade + 40)},${shade})` : `rgb(255,${shade},${shade})`;
      const x = L + j * cell, y = T + i * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${color}" stroke="#fff"/>`);
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2}" text-anchor="middle" font-size="15" font-weight="bold">${v}</text>`);
      parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 18}" text-anchor="middle" font-size="11">${((100 * v) / total).toFixed(1)}%</text>`);
    }
  }
  parts.push('</svg>');
  return parts.join('');
}
