/**
 * Messages between the page and the training worker. The page owns the DOM, the data files and
 * tokenisation; the worker owns the backend, the model, the optimizer and every tensor.
 */
import type { PreparedData } from './data/dataset.js';
import type { ModelConfig, TrainConfig } from './model-config.js';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

/** Which backend runs, and why (shown in the page). */
export interface BackendInfo {
  name: 'webgpu' | 'cpu';
  /** e.g. "WebGPU on google swiftshader" or "WebGPU is not available in this browser (navigator.gpu is missing)". */
  reason: string;
  adapter?: string;
}

/** Everything a model needs besides its weights: how to read text for it and what its outputs mean. */
export interface ModelMeta {
  model: ModelConfig;
  tokenizer: PreparedData['tokenizer'];
  classes: string[];
  maxLen: number;
  /** The vocabulary's tokens, index = id (specials first). */
  vocab: string[];
  dataName: string;
}

export interface StepReport {
  step: number;
  loss: number;
  accuracy: number;
  gradNorm: number;
  tokensPerSec: number;
  ms: number;
}

export interface EvalReport {
  step: number;
  loss: number;
  accuracy: number;
  examples: number;
}

/** One layer and direction of the inspected sequence; arrays are row-major [T, width]. */
export interface LayerTrace {
  layer: number;
  direction: number;
  hiddenSize: number;
  /** Gate activations [T, G·H] in PyTorch's gate order (absent for a plain RNN). */
  gates?: Float32Array;
  /** LSTM cell state [T, H]. */
  cells?: Float32Array;
  /** Hidden state [T, H]. */
  hidden: Float32Array;
}

export interface InspectResult {
  tokens: string[];
  ids: number[];
  logits: number[];
  probs: number[];
  predicted: number;
  layers: LayerTrace[];
  /** Per token: predicted-class probability with the whole text minus the same without this token. */
  contributions: number[];
}

export type Request =
  | { type: 'init'; backend: BackendChoice }
  | { type: 'setup'; data: PreparedData; model: ModelConfig; train: TrainConfig }
  | { type: 'start'; maxSteps?: number }
  | { type: 'pause' }
  | { type: 'reset' }
  | { type: 'inspect'; ids: Int32Array; tokens: string[] }
  | { type: 'export'; format: 'safetensors' | 'onnx' }
  | { type: 'import'; bytes: ArrayBuffer; meta: ModelMeta };

export type ResponseData = {
  init: BackendInfo;
  setup: { parameters: number; meta: ModelMeta };
  start: { step: number };
  pause: { step: number };
  reset: { parameters: number };
  inspect: InspectResult;
  export: { bytes: Uint8Array; fileName: string };
  import: { parameters: number; meta: ModelMeta; trainable: boolean };
};

/** A request as sent: the page numbers them and the worker answers with the same id. */
export type Envelope = Request & { id: number };

export type WorkerMessage =
  | { kind: 'reply'; id: number; ok: true; data: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'step'; report: StepReport }
  | { kind: 'eval'; report: EvalReport }
  | { kind: 'state'; running: boolean; step: number; reason?: string }
  | { kind: 'error'; error: string };
