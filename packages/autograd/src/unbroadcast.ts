/** Sums a gradient over the axes a broadcast expanded, back to the operand's shape. */
import { reshape, sum, type Tensor } from '@recur/tensor';

export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(axes.length ? sum(g, axes, true) : g, shape);
}
