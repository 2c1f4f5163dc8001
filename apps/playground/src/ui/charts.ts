/**
 * Live training curves with uPlot: loss and accuracy (training batches every step, validation at
 * its steps, gaps spanned) and the gradient norm. Redraws at most once per animation frame and
 * follows the width of its container.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EvalReport, StepReport } from '../protocol.js';
import { byId } from './dom.js';

type Row = (number | null)[];

interface Chart {
  plot: uPlot;
  data: Row[];
}

const TRAIN = '#1f5fbf';
const VALID = '#d9480f';

function makeChart(el: HTMLElement, series: Array<{ label: string; stroke: string; points?: boolean }>, yRange?: [number, number]): Chart {
  const data: Row[] = [[], ...series.map(() => [])];
  const opts: uPlot.Options = {
    width: Math.max(240, el.clientWidth),
    height: 200,
    scales: { x: { time: false }, y: yRange ? { range: yRange } : { auto: true } },
    axes: [{ label: 'step', size: 36 }, { size: 48 }],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    series: [
      { label: 'step' },
      ...series.map((s) => ({
        label: s.label,
        stroke: s.stroke,
        width: s.points ? 2 : 1.25,
        spanGaps: true,
        points: { show: s.points ?? false, size: 5 },
      })),
    ],
  };
  const plot = new uPlot(opts, data as uPlot.AlignedData, el);
  new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height: 200 })).observe(el);
  return { plot, data };
}

export class TrainingCharts {
  private readonly loss: Chart;
  private readonly acc: Chart;
  private readonly grad: Chart;
  private pending = false;

  constructor() {
    this.loss = makeChart(byId('chart-loss'), [{ label: 'train', stroke: TRAIN }, { label: 'validation', stroke: VALID, points: true }]);
    this.acc = makeChart(byId('chart-acc'), [{ label: 'train batch', stroke: TRAIN }, { label: 'validation', stroke: VALID, points: true }], [0, 1]);
    this.grad = makeChart(byId('chart-grad'), [{ label: 'global norm', stroke: '#6741d9' }]);
  }

  addStep(r: StepReport): void {
    this.push(this.loss, r.step, [r.loss, null]);
    this.push(this.acc, r.step, [r.accuracy, null]);
    this.push(this.grad, r.step, [r.gradNorm]);
    this.schedule();
  }

  addEval(r: EvalReport): void {
    this.setAt(this.loss, r.step, 2, r.loss);
    this.setAt(this.acc, r.step, 2, r.accuracy);
    this.schedule();
  }

  clear(): void {
    for (const c of [this.loss, this.acc, this.grad]) for (const row of c.data) row.length = 0;
    this.schedule();
  }

  private push(c: Chart, x: number, ys: Array<number | null>): void {
    const xs = c.data[0]!;
    // A validation point may already have opened this step's column.
    if (xs.length && xs[xs.length - 1] === x) {
      ys.forEach((y, i) => { if (y !== null) c.data[i + 1]![xs.length - 1] = y; });
      return;
    }
    xs.push(x);
    ys.forEach((y, i) => c.data[i + 1]!.push(y));
  }

  private setAt(c: Chart, x: number, series: number, y: number): void {
    const xs = c.data[0]!;
    let i = xs.lastIndexOf(x);
    if (i < 0) {
      this.push(c, x, c.data.slice(1).map(() => null));
      i = xs.length - 1;
    }
    c.data[series]![i] = y;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      for (const c of [this.loss, this.acc, this.grad]) c.plot.setData(c.data as uPlot.AlignedData);
    });
  }
}
