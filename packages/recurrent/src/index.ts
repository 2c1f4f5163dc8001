/**
 * @recur/recurrent — modules, RNN/LSTM/GRU cells and layers, losses, optimizers and safetensors
 * state dicts, with PyTorch as the specification (names, shapes, defaults, formulas).
 *
 * @example
 * import { LSTM, Linear, Adam, bceWithLogits } from '@recur/recurrent';
 * const lstm = new LSTM({ inputSize: 8, hiddenSize: 16 });
 * const { output, hN, cN } = lstm.forward(x, { lengths: [5, 3] });
 */
export { Parameter } from './parameter.js';
export { Module, type LoadStateDictOptions } from './module.js';
export { deriveSeed, uniformInit, normalInit } from './init.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { Embedding, type EmbeddingOptions, type FromPretrainedOptions } from './layers/embedding.js';
export { Dropout, dropout, type DropoutOptions } from './layers/dropout.js';
export { WordDropout } from './layers/word-dropout.js';
export { maskedMaxPool, maskedMeanPool, POOL_MODES, type PoolMode } from './layers/pooling.js';
export { type CellOptions } from './cells/cell-base.js';
export { LSTMCell } from './cells/lstm-cell.js';
export { GRUCell } from './cells/gru-cell.js';
export { RNNCell, type RNNCellOptions } from './cells/rnn-cell.js';
// The step math and the composite time loops live in @recur/tensor (beside the sequence ops that
// choose between them and the fused kernels); re-exported here under their earlier names.
export {
  lstmStep, gruStep, rnnStep, type LstmStepResult, type GruStepResult, type Nonlinearity,
  lstmSequenceComposite, gruSequenceComposite, rnnSequenceComposite,
  type LstmSequenceResult as LstmSequenceOut, type GruSequenceResult as GruSequenceOut, type RnnSequenceResult as RnnSequenceOut,
} from '@recur/tensor';
export { checkLengths, stepMask, reverseIndices, reverseTime, type Lengths } from './rnn/packing.js';
export {
  RecurrentBase, type RnnMode, type RecurrentOptions, type RecurrentForwardOptions, type RecurrentOutput, type GateRecord,
} from './rnn/base.js';
export { LSTM, GRU, RNN, type LstmOutput, type GruOutput, type RNNOptions } from './rnn/layers.js';
export { bceWithLogits, crossEntropy, mseLoss, type Reduction, type BceOptions, type CrossEntropyOptions, type MseOptions } from './losses.js';
export { Optimizer, type Grads, type OptimizerState, type MinimizeOptions, type StateTensors } from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Adam, AdamW, type AdamOptions } from './optim/adam.js';
export { RMSprop, type RMSpropOptions } from './optim/rmsprop.js';
export { trainStep, type TrainStep, type TrainStepOptions, type TrainStepResult, type LossOutput } from './train/step.js';
export { evaluate, type EvaluateOptions, type EvaluateResult } from './train/evaluate.js';
export { readTogether } from './train/read-back.js';
export { clipGradNorm, clipGradValue, type ClipNormOptions } from './clip.js';
export { LRScheduler, StepLR, CosineAnnealingLR, LambdaLR, LinearLR, OneCycleLR, type OneCycleOptions } from './schedulers.js';
export { parseSafetensors, readSafetensors, SafetensorsFormatError, writeSafetensors, type ParsedSafetensors } from './safetensors.js';
export { SentimentRNN, type SentimentRNNOptions } from './models/sentiment.js';
