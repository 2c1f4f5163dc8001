/** Gradient rules for movement kernels: each one moves the cotangent back. */
import { pad, reshape, slice, split, transpose } from '@recur/tensor';
import { defineGrad } from '../grad-registry.js';

/** Registers this family's gradient rules (called once by installGradRules). */
export function registerMovementGrads(): void {
  defineGrad('Reshape', { backward: ([dy], s) => [() => reshape(dy!, s.inputShapes[0]!)] });

  // Transpose by the inverse permutation.
  defineGrad('Transpose', {
    backward: ([dy], s) => {
      const perm = s.attrs.perm;
      const inv = new Array<number>(perm.length);
      perm.forEach((p, i) => (inv[p] = i));
      return [() => transpose(dy!, inv)];
    },
  });

  // Slice → pad the cotangent back with zeros around the block.
  defineGrad('Slice', {
    backward: ([dy], s) => {
      const begin = s.attrs.begin;
      const shape = s.inputShapes[0]!;
      return [() => pad(dy!, shape.map((d, i) => [begin[i]!, d - begin[i]! - dy!.shape[i]!] as [number, number]))];
    },
  });

  // Concat → split the cotangent into the pieces' sizes.
  defineGrad('Concat', {
    backward: ([dy], s) => {
      const axis = s.attrs.axis;
      const sizes = s.inputShapes.map((sh) => sh[axis]!);
      let parts: ReturnType<typeof split> | undefined;
      return sizes.map((_, i) => () => (parts ??= split(dy!, sizes, axis))[i]!);
    },
  });

  // Pad → slice the interior back out.
  defineGrad('Pad', {
    backward: ([dy], s) => {
      const paddings = s.attrs.paddings;
      return [() => slice(dy!, paddings.map(([b]) => b), s.inputShapes[0]!)];
    },
  });
}
