/**
 * The page: wires the panels to the training worker and keeps `window.__recur`, a read-only view of
 * the app's state for the end-to-end test and for anyone poking at the console.
 */
import './styles.css';
import { Vocab } from '@recur/text';
import { TrainerClient } from './client.js';
import { encodeText, type PreparedData } from './data/dataset.js';
import type { BackendChoice, BackendInfo, EvalReport, InspectResult, ModelMeta, StepReport } from './protocol.js';
import { TrainingCharts } from './ui/charts.js';
import { createDataPanel, describeData } from './ui/data-panel.js';
import { byId, clearErrors, fmt, guarded, showError } from './ui/dom.js';
import { FilesPanel } from './ui/files-panel.js';
import { InspectPanel } from './ui/inspect-panel.js';
import { createModelPanel } from './ui/model-panel.js';

/** State exposed for tests (read-only by convention). */
interface RecurState {
  ready: boolean;
  backend: BackendInfo | null;
  running: boolean;
  step: number;
  steps: StepReport[];
  evals: EvalReport[];
  lastInspect: InspectResult | null;
  exports: Record<string, { bytes: number[]; fileName: string }>;
  errors: string[];
  parameters: number;
}
const state: RecurState = { ready: false, backend: null, running: false, step: 0, steps: [], evals: [], lastInspect: null, exports: {}, errors: [], parameters: 0 };
(window as unknown as { __recur: RecurState }).__recur = state;

let data: PreparedData | null = null;
let meta: ModelMeta | null = null;
let vocab: Vocab | null = null;
let trainable = false;

const params = new URLSearchParams(location.search);
const choice = (['auto', 'webgpu', 'cpu'].includes(params.get('backend') ?? '') ? params.get('backend') : 'auto') as BackendChoice;

const charts = new TrainingCharts();
const inspect = new InspectPanel();
const trainStatus = byId('train-status');

const client = new TrainerClient({
  step(r) {
    state.step = r.step;
    state.steps.push(r);
    charts.addStep(r);
    byId('stat-step').textContent = String(r.step);
    byId('stat-loss').textContent = fmt(r.loss);
    byId('stat-acc').textContent = `${(r.accuracy * 100).toFixed(1)} %`;
    byId('stat-tps').textContent = Math.round(r.tokensPerSec).toLocaleString('en-US');
    byId('stat-grad').textContent = fmt(r.gradNorm);
  },
  eval(r) {
    state.evals.push(r);
    charts.addEval(r);
    byId('stat-valid').textContent = `${(r.accuracy * 100).toFixed(1)} % (loss ${fmt(r.loss)})`;
  },
  state(running, step, reason) {
    state.running = running;
    state.step = step;
    setButtons();
    trainStatus.textContent = running ? `Training on ${state.backend?.name === 'webgpu' ? 'WebGPU' : 'the CPU'}…` : `Paused at step ${step}${reason && reason !== 'error' ? ` (${reason})` : ''}.`;
  },
  error: showError,
});

const dataPanel = createDataPanel(() => markStale('data'));
const modelPanel = createModelPanel(
  () => (data ? { vocabSize: data.vocab.tokens.length, numClasses: data.classes.length, padIndex: data.padIndex } : meta ? { vocabSize: meta.vocab.length, numClasses: meta.classes.length, padIndex: meta.model.padIndex } : null),
  () => markStale('model'),
);

function markStale(what: 'data' | 'model'): void {
  if (!meta) return;
  trainStatus.textContent = what === 'data'
    ? 'Data settings changed: press "Prepare data and build model" to use them.'
    : 'Model or training settings changed: press Reset to rebuild the model with them.';
}

function setButtons(): void {
  const hasModel = meta !== null && state.ready;
  byId<HTMLButtonElement>('start').disabled = !hasModel || state.running || !trainable;
  byId<HTMLButtonElement>('pause').disabled = !state.running;
  byId<HTMLButtonElement>('reset').disabled = !hasModel || !data;
  byId<HTMLButtonElement>('predict').disabled = !hasModel;
  byId<HTMLButtonElement>('prepare').disabled = !state.ready || state.running;
  files.setHasModel(hasModel);
}

function clearProgress(): void {
  state.steps = [];
  state.evals = [];
  state.step = 0;
  charts.clear();
  for (const id of ['stat-loss', 'stat-acc', 'stat-valid', 'stat-tps', 'stat-grad']) byId(id).textContent = '–';
  byId('stat-step').textContent = '0';
}

function useModel(m: ModelMeta, isTrainable: boolean, parameters: number): void {
  meta = m;
  vocab = new Vocab(m.vocab);
  trainable = isTrainable;
  state.parameters = parameters;
  setButtons();
}

/** Builds a fresh model from the forms on the current data (Prepare and Reset). */
async function buildModel(): Promise<void> {
  const d = data;
  if (!d) throw new Error('prepare data first');
  const problems = modelPanel.problems();
  if (problems.length) throw new Error(problems.join('; '));
  const model = modelPanel.model({ vocabSize: d.vocab.tokens.length, numClasses: d.classes.length, padIndex: d.padIndex });
  const r = await client.request({ type: 'setup', data: d, model, train: modelPanel.train() });
  clearProgress();
  useModel(r.meta, true, r.parameters);
  trainStatus.textContent = `Model ready: ${r.parameters.toLocaleString('en-US')} parameters. Press Start.`;
}

const files = new FilesPanel({
  client,
  meta: () => meta,
  loaded(m, isTrainable, source, parameters) {
    clearProgress();
    if (!isTrainable) data = null;
    useModel(m, isTrainable, parameters);
    modelPanel.fill(m.model);
    trainStatus.textContent = `Loaded ${source} (trained on ${m.dataName}).${isTrainable ? '' : ' Inspect it, or prepare data to train a new model.'}`;
  },
  exported(format, bytes, fileName) {
    state.exports[format] = { bytes: Array.from(bytes), fileName };
  },
});

byId('prepare').addEventListener('click', () => void guarded('Could not prepare the data', async () => {
  clearErrors();
  byId('data-summary').textContent = 'Preparing…';
  try {
    data = dataPanel.prepare();
  } catch (e) {
    byId('data-summary').textContent = 'No data prepared.';
    throw e;
  }
  byId('data-summary').textContent = describeData(data);
  modelPanel.refresh();
  await buildModel();
}));
byId('prepare').textContent = 'Prepare data and build model';

byId('start').addEventListener('click', () => void guarded('Could not start', async () => {
  const max = Number(byId<HTMLInputElement>('max-steps').value);
  if (!(Number.isInteger(max) && max >= 0)) throw new Error('"Stop after" must be a whole number of steps (0 = until paused)');
  await client.request(max > 0 ? { type: 'start', maxSteps: max } : { type: 'start' });
}));
byId('pause').addEventListener('click', () => void guarded('Could not pause', async () => {
  await client.request({ type: 'pause' });
}));
byId('reset').addEventListener('click', () => void guarded('Could not reset', async () => {
  if (state.running) await client.request({ type: 'pause' });
  await buildModel();
}));
byId('dismiss-errors').addEventListener('click', clearErrors);

byId('inspect-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void guarded('Prediction failed', async () => {
    if (!meta || !vocab) throw new Error('there is no model yet');
    const text = byId<HTMLInputElement>('sentence').value;
    const { tokens, ids } = encodeText(vocab, meta.tokenizer, text, meta.maxLen);
    if (tokens.length === 0) throw new Error('type some text first');
    const r = await client.request({ type: 'inspect', ids, tokens });
    state.lastInspect = r;
    inspect.show(r, meta.classes, meta.model.cell);
  });
});

void guarded('The training worker could not start', async () => {
  const info = await client.request({ type: 'init', backend: choice });
  state.backend = info;
  state.ready = true;
  const badge = byId('backend');
  badge.dataset.backend = info.name;
  badge.textContent = info.name === 'webgpu' ? `Backend: WebGPU (${info.adapter ?? 'adapter'})` : `Backend: CPU — ${info.reason}`;
  badge.title = info.reason;
  trainStatus.textContent = 'Prepare data to start.';
  setButtons();
});
