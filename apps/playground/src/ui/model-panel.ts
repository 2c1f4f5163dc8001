/**
 * The model and training forms: read into configs, validated field by field (invalid fields get
 * `aria-invalid` and a message), and the parameter count refreshed on every keystroke.
 */
import {
  formatCount, parameterCount, validateModel, validateTrain,
  type CellType, type ModelConfig, type OptimizerName, type TrainConfig,
} from '../model-config.js';
import { byId, numberOf } from './dom.js';

const MODEL_FIELDS: Record<string, keyof ModelConfig> = {
  cell: 'cell', embedding: 'embeddingDim', hidden: 'hiddenSize', layers: 'numLayers', dropout: 'dropout',
};
const TRAIN_FIELDS: Record<string, keyof TrainConfig> = {
  optimizer: 'optimizer', lr: 'learningRate', clip: 'clipNorm', batch: 'batchSize', 'eval-every': 'evalEvery',
};

export interface ModelPanel {
  /** The model as configured, for `vocabSize` / `numClasses` / `padIndex` of the current data. */
  model(data: { vocabSize: number; numClasses: number; padIndex: number }): ModelConfig;
  train(): TrainConfig;
  /** Messages of every invalid field (empty when all are valid). */
  problems(): string[];
  /** Fills the form from a model (after loading one). */
  fill(c: ModelConfig): void;
  /** Recomputes the parameter count (also called when the data changes the vocabulary). */
  refresh(): void;
}

export function createModelPanel(getData: () => { vocabSize: number; numClasses: number; padIndex: number } | null, onInput: () => void): ModelPanel {
  const countEl = byId('param-count');
  const errorsEl = byId('config-errors');

  const read = (data: { vocabSize: number; numClasses: number; padIndex: number }): ModelConfig => ({
    cell: byId<HTMLSelectElement>('cell').value as CellType,
    vocabSize: data.vocabSize,
    embeddingDim: numberOf('embedding'),
    hiddenSize: numberOf('hidden'),
    numLayers: numberOf('layers'),
    bidirectional: byId<HTMLInputElement>('bidirectional').checked,
    dropout: numberOf('dropout'),
    forgetBias1: byId<HTMLSelectElement>('cell').value === 'lstm' && byId<HTMLInputElement>('forget-bias').checked,
    numClasses: data.numClasses,
    padIndex: data.padIndex,
  });
  const readTrain = (): TrainConfig => ({
    optimizer: byId<HTMLSelectElement>('optimizer').value as OptimizerName,
    learningRate: numberOf('lr'),
    clipNorm: numberOf('clip'),
    batchSize: numberOf('batch'),
    evalEvery: numberOf('eval-every'),
    seed: 1,
  });

  const problems = (): string[] => {
    const m = validateModel(read(getData() ?? { vocabSize: 1, numClasses: 2, padIndex: 1 }));
    const t = validateTrain(readTrain());
    const msgs: string[] = [];
    for (const [id, key] of Object.entries(MODEL_FIELDS)) {
      const msg = m[key];
      byId(id).setAttribute('aria-invalid', msg ? 'true' : 'false');
      if (msg) msgs.push(msg);
    }
    for (const [id, key] of Object.entries(TRAIN_FIELDS)) {
      const msg = t[key];
      byId(id).setAttribute('aria-invalid', msg ? 'true' : 'false');
      if (msg) msgs.push(msg);
    }
    return msgs;
  };

  const refresh = () => {
    byId<HTMLInputElement>('forget-bias').disabled = byId<HTMLSelectElement>('cell').value !== 'lstm';
    const msgs = problems();
    errorsEl.textContent = msgs.join('. ');
    const data = getData();
    if (msgs.length) {
      countEl.textContent = 'Parameters: – (fix the fields above)';
      return;
    }
    const c = parameterCount(read(data ?? { vocabSize: 0, numClasses: 2, padIndex: 1 }));
    const vocabNote = data ? `vocabulary ${formatCount(data.vocabSize)}` : 'prepare data to count the embedding';
    countEl.textContent = `Parameters: ${formatCount(c.total)} (embedding ${formatCount(c.embedding)}, recurrent ${formatCount(c.recurrent)}, classifier ${formatCount(c.classifier)}; ${vocabNote})`;
  };

  for (const form of ['model-form', 'train-form']) {
    byId(form).addEventListener('input', () => { refresh(); onInput(); });
    byId(form).addEventListener('change', () => { refresh(); onInput(); });
  }
  refresh();

  return {
    model: read,
    train: readTrain,
    problems,
    refresh,
    fill(c: ModelConfig) {
      byId<HTMLSelectElement>('cell').value = c.cell;
      byId<HTMLInputElement>('embedding').value = String(c.embeddingDim);
      byId<HTMLInputElement>('hidden').value = String(c.hiddenSize);
      byId<HTMLInputElement>('layers').value = String(c.numLayers);
      byId<HTMLInputElement>('bidirectional').checked = c.bidirectional;
      byId<HTMLInputElement>('dropout').value = String(c.dropout);
      byId<HTMLInputElement>('forget-bias').checked = !!c.forgetBias1;
      refresh();
    },
  };
}
