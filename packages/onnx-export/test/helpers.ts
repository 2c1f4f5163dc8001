/** Shared test data: a few reviews and a vocabulary built from them. */
import { basicEnglish } from '@recur/text';

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
