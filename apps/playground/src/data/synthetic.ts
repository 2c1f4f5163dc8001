/** The built-in sentiment corpus lives in @recur/text so the CLI and the playground share one copy. */
export { builtinCorpus, BUILTIN_SIZES, syntheticReviews } from '@recur/text';
export type { LabeledText, SyntheticOptions } from '@recur/text';
