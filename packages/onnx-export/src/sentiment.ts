/**
 * Export of a trained text classifier together with everything a deployment needs to tokenize:
 * the model's own forward pass (ids, lengths → logits) is traced, a probabilities output is added
 * on top, and the vocabulary and tokenizer settings go into the metadata.
 */
import { Module, type Parameter } from '@recur/recurrent';
import { sigmoid, softmax, tensor, type Tensor } from '@recur/tensor';
import { exportOnnx, type ExportOptions, type ExportResult } from './export.js';
import { tokenizerMetadata, type TokenizerSettings } from './tokenizer.js';

/** Graph input and output names of an exported classifier (what `createPredictionServer` feeds and reads). */
export const CLASSIFIER_IO = { ids: 'text', lengths: 'lengths', logits: 'logits', probabilities: 'probabilities' } as const;

export interface SentimentExportOptions extends TokenizerSettings, Pick<ExportOptions, 'opset' | 'docString'> {
  /** More metadata_props (e.g. the run id, test accuracy). */
  metadata?: Record<string, string>;
}

type Classifier = Module & { forward(ids: Tensor, lengths: Int32Array): Tensor };

/**
 * The classifier with a probabilities output: sigmoid for one logit, softmax otherwise. It shares
 * the classifier's parameters and children (same state_dict keys and module paths) without
 * becoming their parent. `verifyOnTexts` runs it as the reference of an exported classifier.
 *
 * @example
 * const { logits, probabilities } = new WithProbabilities(model).forward(ids, lengths);
 */
export class WithProbabilities extends Module {
  constructor(private readonly inner: Module) {
    super();
    this.training = inner.training;
  }

  override namedParameters(prefix = ''): Array<[string, Parameter]> {
    return this.inner.namedParameters(prefix);
  }

  override namedChildren(): Array<[string, Module]> {
    return this.inner.namedChildren();
  }

  override train(mode = true): this {
    this.inner.train(mode);
    this.training = mode;
    return this;
  }

  forward(ids: Tensor, lengths: Int32Array): { logits: Tensor; probabilities: Tensor } {
    const logits = (this.inner as Classifier).forward(ids, lengths); // (B, O)
    if (logits.rank !== 2) throw new Error(`exportSentimentModel: forward(ids, lengths) returned ${JSON.stringify(logits.shape)}, expected logits [batch, classes]`);
    return { logits, probabilities: logits.shape[1] === 1 ? sigmoid(logits) : softmax(logits, -1) };
  }
}

/** An example batch for the trace: 3 texts of 7, 4 and 2 tokens (ids cycle through the first few tokens), padded. */
function exampleBatch(V: number, pad: number, batchFirst: boolean): { ids: Tensor; lengths: Int32Array } {
  const lengths = Int32Array.of(7, 4, 2), T = 7, B = 3;
  const ids = new Int32Array(T * B);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) ids[batchFirst ? b * T + t : t * B + b] = t < lengths[b]! ? (t * B + b + 2) % Math.min(V, 6) : pad;
  }
  return { ids: tensor(ids, batchFirst ? [B, T] : [T, B], 'int32'), lengths };
}

export interface TextClassifierExportOptions extends Pick<ExportOptions, 'opset' | 'docString' | 'metadata'> {
  /** Rows of the embedding the ids index (the example batch uses ids below min(vocabSize, 6)). */
  vocabSize: number;
  /** The id padding positions hold. */
  padIndex: number;
  /** `text` is [batch, seq] instead of [seq, batch] (default false). */
  batchFirst?: boolean;
}

/**
 * Exports a text classifier whose `forward(ids, lengths)` returns logits [batch, classes] — the
 * seed's SentimentRNN (any pooling) or any user model with that signature — by tracing it on a
 * small padded batch. Inputs `text` (int32 [seq, batch], or [batch, seq] with `batchFirst`) and
 * `lengths` (int32 [batch]); outputs `logits` and `probabilities`; seq and batch are dynamic.
 *
 * @example
 * const { bytes } = await exportTextClassifier(model.eval(), { vocabSize: 30, padIndex: 0, metadata: { 'my.tokenizer': 'chars' } });
 */
export async function exportTextClassifier(model: Module, opts: TextClassifierExportOptions): Promise<ExportResult> {
  const bf = opts.batchFirst ?? false;
  const { ids, lengths } = exampleBatch(opts.vocabSize, opts.padIndex, bf);
  try {
    const r = await exportOnnx(new WithProbabilities(model), {
      inputs: [ids, lengths], inputNames: [CLASSIFIER_IO.ids, CLASSIFIER_IO.lengths],
      outputNames: [CLASSIFIER_IO.logits, CLASSIFIER_IO.probabilities],
      dynamicAxes: { [CLASSIFIER_IO.ids]: bf ? { 0: 'batch', 1: 'seq' } : { 0: 'seq', 1: 'batch' }, [CLASSIFIER_IO.lengths]: { 0: 'batch' } },
      opset: opts.opset, metadata: opts.metadata, graphName: model.constructor.name,
      docString: opts.docString ?? 'Text classifier exported by Recur: token ids and lengths → logits and probabilities.',
      docStrings: {
        [CLASSIFIER_IO.ids]: `token ids, ${bf ? 'batch-first [batch, seq]' : 'time-major [seq, batch]'}, padded with the pad index`,
        [CLASSIFIER_IO.lengths]: 'tokens per text, 1 ≤ len ≤ seq',
        [CLASSIFIER_IO.logits]: 'classifier logits [batch, classes]',
        [CLASSIFIER_IO.probabilities]: 'sigmoid(logits) for one logit (probability of the positive class), else softmax(logits)',
      },
    });
    // The embedding table is whatever the ids index first: its rows must be the vocabulary.
    const lookup = r.model.graph.node.find((n) => n.opType === 'Gather' && n.input[1] === CLASSIFIER_IO.ids);
    const table = lookup && r.model.graph.initializer.find((t) => t.name === lookup.input[0]);
    if (table && table.dims[0] !== opts.vocabSize) {
      throw new Error(`exportTextClassifier: the vocabulary has ${opts.vocabSize} tokens, the embedding ${table.dims[0]} rows ('${table.name}')`);
    }
    return r;
  } finally {
    ids.dispose();
  }
}

/**
 * {@link exportTextClassifier} with the vocabulary and tokenizer settings in the model's metadata,
 * so `createPredictionServer` can turn text into ids from the .onnx file alone.
 *
 * @example
 * const { bytes } = await exportSentimentModel(model.eval(), {
 *   tokenizer: 'basic_english', lowercase: true, vocab: vocab.tokens, padIndex: 1, unkIndex: 0, labels: ['negative', 'positive'],
 * });
 */
export async function exportSentimentModel(model: Module, opts: SentimentExportOptions): Promise<ExportResult> {
  const { opset, docString, metadata, ...settings } = opts;
  const bf = settings.batchFirst ?? false;
  return exportTextClassifier(model, {
    vocabSize: settings.vocab.length, padIndex: settings.padIndex, batchFirst: bf, opset,
    metadata: { ...tokenizerMetadata({ ...settings, batchFirst: bf }), ...metadata },
    docString: docString ?? `Text classifier exported by Recur: ids from ${settings.tokenizer} tokens (vocabulary in metadata 'recur.vocab'), lengths, → logits and probabilities.`,
  });
}
