/**
 * IMDB accuracy of each preset as measured on the project's build machine, beside the bag-of-words
 * baseline and published references, shown in every report and in the README. Measured rows name
 * their date and command; the README's table is the same data.
 */

export interface PresetResult {
  preset: string;
  model: string;
  /** Accuracy on the full 25,000-review IMDB test set; null while not measured. */
  testAcc: number | null;
  /** Minutes of training (steps and per-epoch validation), with the thread count. */
  trainMinutes: number | null;
  threads: number;
  parameters: number;
  /** When and how it was measured. */
  measured: string;
}

/** Measured on the 2-core build machine (see notes/cli.md for each run's log). */
export const PRESET_RESULTS: readonly PresetResult[] = [
  { preset: 'fast', model: 'biGRU 1×64, GloVe 50d, first 200 tokens, 2 epochs', testAcc: 0.8637, trainMinutes: 3.9, threads: 1, parameters: 1_294_773, measured: '2026-11-27, `recur train --data imdb --preset fast`' },
  { preset: 'accurate', model: 'biGRU 1×64, GloVe 50d, whole reviews, max+mean+last pooling, word dropout, one-cycle lr, 4 epochs', testAcc: 0.8972, trainMinutes: 26.3, threads: 2, parameters: 1_295_029, measured: '2026-12-04, `recur train --data imdb --preset accurate --threads 2`' },
];

export interface PublishedResult { what: string; testAcc: number; source: string }

/** Published IMDB test accuracies (25k test reviews). */
export const PUBLISHED: readonly PublishedResult[] = [
  { what: 'seed tutorial: 2-layer biLSTM 256 + GloVe 100d, 5 epochs (PyTorch)', testAcc: 0.8528, source: 'bentrevett, pytorch-sentiment-analysis (legacy 2)' },
  { what: 'fastText-style bag of bigrams', testAcc: 0.9056, source: 'Joulin et al. 2016' },
  { what: 'NBSVM with bigrams', testAcc: 0.9122, source: 'Wang & Manning 2012' },
];
