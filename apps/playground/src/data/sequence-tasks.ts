/**
 * Small synthetic sequence tasks on which vanilla RNNs and gated cells (LSTM, GRU) part ways as the
 * sequences grow longer. Both are binary classification over single-character tokens, so they reuse
 * the sentiment model unchanged (Embedding → recurrent layers → Linear).
 *
 * - `recall`: the first symbol is `X` (label 1) or `Y` (label 0), followed by `length - 1` random
 *   distractors from `a`–`h`. The answer must survive the whole sequence: an RNN's gradient from the
 *   last step back to step 0 vanishes as the length grows, a gated cell can keep it.
 * - `brackets`: is a string of `(` and `)` balanced? Half are random balanced (Dyck) words, half are a
 *   balanced word with one bracket flipped (same length, so length gives nothing away). The model must
 *   keep a running depth count over the whole sequence.
 */
import { createRng, type Rng } from '@recur/text';
import type { LabeledText } from './synthetic.js';

export type SequenceTaskName = 'recall' | 'brackets';

export interface SequenceTaskOptions {
  task: SequenceTaskName;
  /** Examples to generate (labels balanced up to sampling noise). */
  count: number;
  /** Sequence length in tokens (brackets: rounded up to an even number). */
  length: number;
  seed: number;
}

/** Human-readable class names per task, index = label. */
export const SEQUENCE_CLASSES: Record<SequenceTaskName, [string, string]> = {
  recall: ['starts with Y', 'starts with X'],
  brackets: ['unbalanced', 'balanced'],
};

const DISTRACTORS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

function recallExample(rng: Rng, length: number): LabeledText {
  const label = rng.uniform() < 0.5 ? 1 : 0;
  const chars = [label === 1 ? 'X' : 'Y'];
  for (let i = 1; i < length; i++) chars.push(DISTRACTORS[rng.below(DISTRACTORS.length)]!);
  return { text: chars.join(''), label };
}

/** A uniformly-ish random balanced word of `n` bracket pairs (random walk kept ≥ 0, closing at the end). */
function dyckWord(rng: Rng, pairs: number): string[] {
  const out: string[] = [];
  let open = 0;
  let left = pairs;
  while (out.length < 2 * pairs) {
    // Open when we must (depth 0), close when we must (no pairs left to open); otherwise a weighted coin
    // that favours whichever move keeps both options possible.
    const mustOpen = open === 0 && left > 0;
    const mustClose = left === 0;
    if (mustOpen || (!mustClose && rng.uniform() < left / (left + open))) {
      out.push('(');
      open++;
      left--;
    } else {
      out.push(')');
      open--;
    }
  }
  return out;
}

function bracketExample(rng: Rng, length: number): LabeledText {
  const pairs = Math.max(1, Math.ceil(length / 2));
  const word = dyckWord(rng, pairs);
  const balanced = rng.uniform() < 0.5;
  if (!balanced) {
    const i = rng.below(word.length);
    word[i] = word[i] === '(' ? ')' : '(';
  }
  return { text: word.join(''), label: balanced ? 1 : 0 };
}

/** Whether a bracket string is balanced (the ground truth of the `brackets` task). */
export function isBalanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * Generates a sequence task deterministically from its seed.
 *
 * @example
 * sequenceTask({ task: 'brackets', count: 2, length: 6, seed: 1 });
 * // [{ text: '(()())', label: 1 }, { text: '())(()', label: 0 }] (for instance)
 */
export function sequenceTask(options: SequenceTaskOptions): LabeledText[] {
  const { task, count, length, seed } = options;
  if (!Number.isInteger(count) || count < 0) throw new Error(`sequenceTask: count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(length) || length < 2) throw new Error(`sequenceTask: length must be an integer ≥ 2, got ${length}`);
  const rng = createRng(seed);
  const make = task === 'recall' ? recallExample : task === 'brackets' ? bracketExample : null;
  if (!make) throw new Error(`sequenceTask: unknown task '${String(task)}' (expected recall or brackets)`);
  const out: LabeledText[] = [];
  for (let i = 0; i < count; i++) out.push(make(rng, length));
  return out;
}
