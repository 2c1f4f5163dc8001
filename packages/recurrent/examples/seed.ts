import { bceWithLogits, Dropout, Embedding, Linear, LSTM, Module, type Optimizer, trainStep } from '@recur/recurrent';
import { concat, type Tensor } from '@recur/tensor';

export class RNN extends Module {
  constructor(vocabSize: number, embeddingDim: number, hiddenDim: number, outputDim: number, nLayers: number, bidirectional: boolean, dropout: number, padIdx: number) {
    super();
    this.embedding = this.module('embedding', new Embedding({ numEmbeddings: vocabSize, embeddingDim, paddingIdx: padIdx }));
    this.rnn = this.module('rnn', new LSTM({ inputSize: embeddingDim, hiddenSize: hiddenDim, numLayers: nLayers, bidirectional, dropout }));
    this.fc = this.module('fc', new Linear({ inFeatures: hiddenDim * 2, outFeatures: outputDim }));
    this.dropout = this.module('dropout', new Dropout({ p: dropout }));
  }
  forward(text: Tensor, textLengths: number[]): Tensor {
    const embedded = this.dropout.forward(this.embedding.forward(text));
    const { hN: hidden } = this.rnn.forward(embedded, { lengths: textLengths });
    return this.fc.forward(this.dropout.forward(concat([hidden.select(0, -2), hidden.select(0, -1)], 1)));
  }
  declare embedding: Embedding; declare rnn: LSTM; declare fc: Linear; declare dropout: Dropout;
}

const binaryAccuracy = (preds: Tensor, y: Tensor) => preds.greater(0).cast('float32').equal(y).cast('float32').mean();

export interface SeedBatch { text: Tensor; textLengths: number[]; label: Tensor }

export async function train(model: RNN, iterator: SeedBatch[], optimizer: Optimizer): Promise<[number, number]> {
  let epochLoss = 0, epochAcc = 0;
  const step = trainStep({ model, optimizer, loss: (batch: SeedBatch) => {
    const predictions = model.forward(batch.text, batch.textLengths).squeeze(1);
    return { loss: bceWithLogits(predictions, batch.label), metrics: { acc: binaryAccuracy(predictions, batch.label) } };
  } });
  for (const batch of iterator) {
    const { loss, metrics } = await step(batch);
    epochLoss += loss, epochAcc += metrics.acc!;
  }
  return [epochLoss / iterator.length, epochAcc / iterator.length];
}
