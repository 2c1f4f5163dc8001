/**
 * The built-in sentiment corpus: short review-like texts generated deterministically from a seed, so
 * `recur train` works anywhere without downloads. Word order decides the label, on purpose:
 *
 * - **negation** flips a clause ("the plot was not very good" is negative);
 * - **contrast**: in "A but B" and "although A , B" the clause after the connective decides, and
 *   in "B , although A" the main clause (first) decides;
 * - **reported opinions** ("the critics said it would be dull .") carry sentiment words that say
 *   nothing about the label;
 * - the two clauses of a contrast review have opposite polarity and draw their negations
 *   independently, so their sentiment words and negators cancel out in a bag of words.
 *
 * 3% of the labels are flipped (reviews whose rating disagrees with their text, as real ones do),
 * so no model can reach 100%. About half of the reviews are "plain" (one or two agreeing clauses, rarely negated), which a bag of
 * words classifies mostly right; on the rest it is near chance. A recurrent model that tracks
 * negation and the connective can get nearly all of them.
 */
import { createRng, type Rng } from '../rng.js';

/** One labelled text: label 1 is positive, 0 negative. */
export interface LabeledText {
  text: string;
  label: number;
}

export interface SyntheticOptions {
  /** Number of reviews (balanced labels up to sampling noise). */
  count: number;
  /** Seed of the generator; the same seed gives the same corpus on every machine. */
  seed: number;
  /** Share of plain (order-independent) reviews, default 0.5. */
  plainShare?: number;
  /** Share of labels flipped after generation (ratings that disagree with the text), default 0.03. */
  labelNoise?: number;
}

const POSITIVE = ['good', 'great', 'excellent', 'wonderful', 'brilliant', 'enjoyable', 'moving', 'charming', 'funny', 'superb', 'delightful', 'engaging', 'clever', 'beautiful'];
const NEGATIVE = ['bad', 'terrible', 'awful', 'boring', 'dull', 'weak', 'painful', 'predictable', 'bland', 'tedious', 'clumsy', 'forgettable', 'silly', 'messy'];
const NEGATORS = ['not', 'never', 'hardly', 'not at all', 'far from', 'in no way'];
const INTENSIFIERS = ['very', 'really', 'truly', 'quite', 'extremely', 'so', 'rather', 'incredibly'];
const SUBJECTS = ['the movie', 'the film', 'the plot', 'the acting', 'the script', 'the ending', 'the soundtrack', 'the cast', 'the dialogue', 'the camera work', 'the story', 'the direction', 'the pacing', 'the lead actor', 'the second half', 'the first hour'];
const VERBS = ['was', 'is', 'felt', 'seemed', 'looked', 'turned out'];
const FILLERS = [
  'i watched it last night with my brother .',
  'my friend recommended it to me .',
  'it runs about two hours .',
  'i saw it in a small theater downtown .',
  'i went in with no expectations .',
  'the trailer gave away very little .',
  'it is based on a novel i have not read .',
  'this was the director \'s third film .',
  'we rented it on a rainy sunday .',
  'i had heard a lot about it before .',
];

const REPORTERS = ['my friend', 'the critics', 'the trailer', 'my sister', 'everyone online', 'the poster'];
const REPORT_VERBS = ['said it would be', 'promised it would be', 'claimed it was', 'warned it was'];

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.below(xs.length)]!;

/** A clause whose overall polarity is `polarity` (+1 / -1); negated with probability `negP`. */
function clause(rng: Rng, polarity: number, negP: number): string {
  const negated = rng.uniform() < negP;
  const adjPolarity = negated ? -polarity : polarity;
  const parts = [pick(rng, SUBJECTS), pick(rng, VERBS)];
  if (negated) parts.push(pick(rng, NEGATORS));
  if (rng.uniform() < 0.4) parts.push(pick(rng, INTENSIFIERS));
  parts.push(pick(rng, adjPolarity > 0 ? POSITIVE : NEGATIVE));
  return parts.join(' ');
}

/** One review with the given label (1 positive, 0 negative). */
function review(rng: Rng, label: number, plainShare: number): string {
  const p = label === 1 ? 1 : -1;
  const out: string[] = [];
  if (rng.uniform() < 0.5) out.push(pick(rng, FILLERS));
  // Someone else's opinion, unrelated to the label: a bag of words cannot tell it from the reviewer's.
  if (rng.uniform() < 0.35) out.push(`${pick(rng, REPORTERS)} ${pick(rng, REPORT_VERBS)} ${pick(rng, rng.uniform() < 0.5 ? POSITIVE : NEGATIVE)} .`);
  const kind = rng.uniform();
  if (kind < plainShare) {
    out.push(`${clause(rng, p, 0.15)} .`);
    if (rng.uniform() < 0.5) out.push(`${clause(rng, p, 0.15)} too .`);
  } else {
    const hard = (kind - plainShare) / (1 - plainShare);
    const neg = 0.35;
    if (hard < 0.45) out.push(`${clause(rng, -p, neg)} , but ${clause(rng, p, neg)} .`);
    else if (hard < 0.8) out.push(`although ${clause(rng, -p, neg)} , ${clause(rng, p, neg)} .`);
    else out.push(`${clause(rng, p, neg)} , although ${clause(rng, -p, neg)} .`);
  }
  if (rng.uniform() < 0.3) out.push(pick(rng, FILLERS));
  return out.join(' ');
}

/**
 * Generates `count` labelled reviews from `seed`.
 *
 * @example
 * const train = syntheticReviews({ count: 4000, seed: 1 });
 * // [{ text: 'although the plot was not very good , the cast felt superb .', label: 1 }, ...]
 */
export function syntheticReviews(options: SyntheticOptions): LabeledText[] {
  const { count, seed, plainShare = 0.5, labelNoise = 0.03 } = options;
  if (!Number.isInteger(count) || count < 0) throw new Error(`syntheticReviews: count must be a non-negative integer, got ${count}`);
  const rng = createRng(seed);
  const out: LabeledText[] = [];
  for (let i = 0; i < count; i++) {
    const label = rng.uniform() < 0.5 ? 1 : 0;
    const text = review(rng, label, plainShare);
    out.push({ text, label: rng.uniform() < labelNoise ? 1 - label : label });
  }
  return out;
}

/** Sizes of the built-in corpus splits (train is then split into train/valid by `--valid-split`). */
export const BUILTIN_SIZES = { train: 5000, test: 2000 } as const;

/** The built-in corpus: a training pool and a test set generated from unrelated seeds. */
export function builtinCorpus(sizes: { train: number; test: number } = BUILTIN_SIZES): { train: LabeledText[]; test: LabeledText[] } {
  const train = syntheticReviews({ count: sizes.train, seed: 0x5eed_0001 });
  const seen = new Set(train.map((x) => x.text));
  // Test texts never occur in the training pool (a few short plain reviews would otherwise repeat).
  const test = syntheticReviews({ count: sizes.test + 50, seed: 0x5eed_0002 }).filter((x) => !seen.has(x.text)).slice(0, sizes.test);
  return { train, test };
}
