/** `@recur/text/node`: Node-only readers (files, archives, IMDB, downloads). */
export { loadVectors } from './vectors.js';
export type { LoadVectorsOptions } from './vectors.js';
export { listZip, readZipEntry } from './zip.js';
export type { ZipEntry } from './zip.js';
export { openBytes } from './bytes.js';
export { readImdb, readImdbDetailed, scanImdb, imdbRoot } from './imdb.js';
export type { ImdbExample, ImdbFile, ImdbReadResult, ImdbSplit, ReadImdbOptions } from './imdb.js';
export { tarEntries } from './tar.js';
export type { TarEntry } from './tar.js';
export { readLabeledFile } from './labeled.js';
export { DataFileError } from './errors.js';
export type { LabeledExample, ReadLabeledOptions } from './labeled.js';
export { download, DATASETS, fetchDataset } from './download.js';
export type { DownloadOptions, DownloadResult } from './download.js';
