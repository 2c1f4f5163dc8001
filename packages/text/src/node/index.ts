/** `@recur/text/node`: Node-only readers (files, archives, IMDB, downloads). */
export { loadVectors } from './vectors.js';
export type { LoadVectorsOptions } from './vectors.js';
export { listZip, readZipEntry } from './zip.js';
export type { ZipEntry } from './zip.js';
export { openBytes } from './bytes.js';
