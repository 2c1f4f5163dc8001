/** Shared test data: a few reviews and a vocabulary built from them; disposing example arguments. */
import { Tensor } from '@recur/tensor';
import { basicEnglish } from '@recur/text';
import type { ForwardArg } from '../src/index.js';

/** Disposes the tensors among forward arguments (top level and inside option records). */
export function disposeArgs(args: readonly ForwardArg[]): void {
  for (const a of args) {
    if (a instanceof Tensor) a.dispose();
    else if (a && typeof a === 'object' && !ArrayBuffer.isView(a) && !Array.isArray(a)) for (const v of Object.values(a)) if (v instanceof Tensor) v.dispose();
  }
}

export const REVIEWS = [
  'A wonderful, moving film. The acting was superb!',
  'Terrible plot; I walked out after twenty minutes.',
  'ok.',
  "It's not great, it's not bad (just average).",
];

/** A vocabulary built from the reviews: <unk>, <pad>, then tokens in first-seen order. */
export function smallVocab(): string[] {
  const seen = new Set<string>();
  for (const r of REVIEWS) for (const t of basicEnglish(r)) seen.add(t);
  return ['<unk>', '<pad>', ...[...seen].slice(0, 20)]; // some words stay unknown on purpose
}
