/// <reference lib="webworker" />
/**
 * The training worker: owns the backend, the model and every tensor, so the page stays responsive.
 * Requests come from TrainerClient; training runs as an async loop that yields to the event loop
 * between steps, so Pause, Inspect and Export are handled mid-run.
 */
import { exportSentimentModel, exportTextClassifier } from '@recur/onnx-export';
import { readSafetensors, writeSafetensors } from '@recur/recurrent';
import { dispose } from '@recur/tensor';
import type { PreparedData } from '../data/dataset.js';
import { metaToSafetensors } from '../model-meta.js';
import type { TrainConfig } from '../model-config.js';
import type { Envelope, ModelMeta, Request, ResponseData, WorkerMessage } from '../protocol.js';
import { chooseBackend } from './backend.js';
import { inspectText } from './inspect.js';
import { TrainingSession } from './session.js';

const post = (m: WorkerMessage, transfer: Transferable[] = []): void => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m, transfer);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

let session: TrainingSession | null = null;
let data: PreparedData | null = null;
let meta: ModelMeta | null = null;
let running = false;
let target = Infinity;

/** Lets queued messages (Pause, Inspect…) run between steps; faster than setTimeout's 4 ms clamp. */
const channel = new MessageChannel();
const yieldToEvents = (): Promise<void> => new Promise((resolve) => {
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(0);
});

function need<T>(x: T | null, what: string): T {
  if (!x) throw new Error(what);
  return x;
}

const DEFAULT_TRAIN: TrainConfig = { optimizer: 'adam', learningRate: 0.01, clipNorm: 5, batchSize: 32, evalEvery: 20, seed: 1 };

/** Replaces the session; `load` may fill the new model first (on error the old session stays). */
function newSession(m: ModelMeta, train: TrainConfig, load?: (s: TrainingSession) => void): TrainingSession {
  const empty = { ids: new Int32Array(), offsets: new Int32Array([0]), labels: new Int32Array() };
  const unk = m.vocab.indexOf('<unk>');
  const s = new TrainingSession(m.model, train, data?.train ?? empty, data?.valid ?? empty, unk >= 0 ? unk : 0);
  try {
    load?.(s);
  } catch (e) {
    s.dispose();
    throw e;
  }
  session?.dispose();
  session = s;
  meta = m;
  return s;
}

async function loop(): Promise<void> {
  const s = need(session, 'no model');
  post({ kind: 'state', running: true, step: s.step });
  try {
    while (running && s === session && s.step < target) {
      const report = await s.trainStep();
      post({ kind: 'step', report });
      if (report.step % s.train.evalEvery === 0) {
        const ev = await s.evaluate();
        if (ev) post({ kind: 'eval', report: ev });
      }
      await yieldToEvents();
    }
    const reason = s.step >= target ? `stopped after ${s.step} steps as asked` : undefined;
    running = false;
    post({ kind: 'state', running: false, step: s.step, ...(reason ? { reason } : {}) });
  } catch (e) {
    running = false;
    post({ kind: 'error', error: `Training stopped at step ${s.step + 1}: ${message(e)}` });
    post({ kind: 'state', running: false, step: s.step, reason: 'error' });
  }
}

async function exportModel(format: 'safetensors' | 'onnx'): Promise<ResponseData['export']> {
  const s = need(session, 'there is no model yet: prepare data (or load a model) first');
  const m = need(meta, 'no model metadata');
  const base = `recur-${m.model.cell}-${m.model.hiddenSize}x${m.model.numLayers}${m.model.bidirectional ? '-bi' : ''}`;
  if (format === 'safetensors') {
    return { bytes: await writeSafetensors(s.model.stateDict(), metaToSafetensors(m)), fileName: `${base}.safetensors` };
  }
  s.model.eval();
  try {
    const labels = m.model.numClasses === 2 ? [m.classes[1]!] : m.classes;
    const extra = { 'recur.data': m.dataName, 'recur.classes': JSON.stringify(m.classes) };
    const unk = Math.max(0, m.vocab.indexOf('<unk>'));
    const r = m.tokenizer === 'basic_english'
      ? await exportSentimentModel(s.model, { tokenizer: 'basic_english', lowercase: true, maxLength: m.maxLen, vocab: m.vocab, padIndex: m.model.padIndex, unkIndex: unk, labels, metadata: extra })
      // Character tasks: the ONNX tokenizer metadata only knows basic_english, so record ours separately.
      : await exportTextClassifier(s.model, { vocabSize: m.vocab.length, padIndex: m.model.padIndex, metadata: { ...extra, 'recur.playground.tokenizer': m.tokenizer, 'recur.playground.vocab': JSON.stringify(m.vocab) } });
    return { bytes: r.bytes, fileName: `${base}.onnx` };
  } finally {
    s.model.train();
  }
}

async function handle(req: Request): Promise<unknown> {
  switch (req.type) {
    case 'init':
      return chooseBackend(req.backend);
    case 'setup': {
      if (running) throw new Error('pause training before changing the data or the model');
      data = req.data;
      const m: ModelMeta = { model: req.model, tokenizer: req.data.tokenizer, classes: req.data.classes, maxLen: req.data.maxLen, vocab: req.data.vocab.tokens, dataName: req.data.name };
      const s = newSession(m, req.train);
      return { parameters: s.model.numParameters(), meta: m };
    }
    case 'start': {
      need(session, 'prepare data first');
      if (!data) throw new Error('this model was loaded without training data: prepare data with the same vocabulary to train it further');
      target = req.maxSteps === undefined ? Infinity : session!.step + req.maxSteps;
      if (!running) {
        running = true;
        void loop();
      }
      return { step: session!.step };
    }
    case 'pause':
      running = false;
      return { step: session?.step ?? 0 };
    case 'reset': {
      running = false;
      const s = need(session, 'nothing to reset');
      const fresh = newSession(need(meta, 'no model'), s.train);
      return { parameters: fresh.model.numParameters() };
    }
    case 'inspect': {
      const s = need(session, 'there is no model yet: prepare data (or load a model) first');
      return inspectText(s.model, s.config.cell, req.ids, req.tokens);
    }
    case 'export':
      return exportModel(req.format);
    case 'import': {
      if (running) throw new Error('pause training before loading a model');
      // Training data of another vocabulary cannot continue this model.
      const sameVocab = !!data && data.vocab.tokens.length === req.meta.vocab.length && data.vocab.tokens.every((t, i) => t === req.meta.vocab[i]);
      const keptData = data;
      if (!sameVocab) data = null;
      const weights = readSafetensors(new Uint8Array(req.bytes));
      try {
        newSession(req.meta, session?.train ?? DEFAULT_TRAIN, (s) => s.model.loadStateDict(weights));
      } catch (e) {
        data = keptData;
        throw e;
      } finally {
        dispose(weights);
      }
      return { parameters: session!.model.numParameters(), meta: req.meta, trainable: !!data };
    }
  }
}

self.addEventListener('message', (e: MessageEvent<Envelope>) => {
  const { id, ...req } = e.data;
  handle(req as Request).then(
    (result) => {
      const transfer = req.type === 'export' ? [(result as ResponseData['export']).bytes.buffer as ArrayBuffer] : [];
      post({ kind: 'reply', id, ok: true, data: result }, transfer);
    },
    (err: unknown) => post({ kind: 'reply', id, ok: false, error: message(err) }),
  );
});
