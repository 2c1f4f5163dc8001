import { Adam, bceWithLogits, Linear, LSTM, Module } from '@recur/recurrent';
import { reshape, tensor, type Tensor } from '@recur/tensor';

class Classifier extends Module {
  lstm = this.module('lstm', new LSTM({ inputSize: 2, hiddenSize: 8, seed: 1 }));
  fc = this.module('fc', new Linear({ inFeatures: 8, outFeatures: 1, seed: 2 }));
  forward(x: Tensor, lengths: number[]): Tensor {
    const { hN } = this.lstm.forward(x, { lengths }); // hN [1, B, 8]: each sequence's last valid step
    return reshape(this.fc.forward(reshape(hN, [-1, 8])), [-1]); // logits [B]
  }
}

export async function trainToy(steps = 40): Promise<number[]> {
  const x = tensor(Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7)), [5, 4, 2]); // [T, B, I]
  const lengths = [5, 3, 4, 2], labels = tensor([1, 0, 1, 0]);
  const model = new Classifier();
  const opt = new Adam(model, { lr: 0.05 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    losses.push(await opt.minimize(() => bceWithLogits(model.forward(x, lengths), labels)));
  }
  x.dispose(), labels.dispose(), opt.dispose(), model.dispose();
  return losses; // falls from ≈0.69 towards 0
}
