#!/usr/bin/env node
/**
 * `recur-text-data`: fetch the official datasets (only ever run as a program; import `fetchDataset` instead).
 *
 *   recur-text-data imdb [dir]      → dir/aclImdb_v1.tar.gz (84 MB, size- and md5-checked)
 *   recur-text-data glove6B [dir]   → dir/glove.6B.zip (822 MB, size-checked)
 *
 * Interrupted downloads resume when run again. `readImdb` and `loadVectors` read both files as they are.
 */
import { fetchDataset } from './download.js';

const [name, dir = 'data'] = process.argv.slice(2);
if (name !== 'imdb' && name !== 'glove6B') {
  process.stderr.write('usage: recur-text-data imdb|glove6B [dir]\n');
  process.exit(2);
}
fetchDataset(name, dir).catch((err: Error) => {
  process.stderr.write(`\n${err.message}\n`);
  process.exit(1);
});
