/**
 * The error of the Node readers of outside data (CSV/TSV/JSONL, tar, zip, gzip): the message starts
 * with the file (and line, entry or byte offset) and says what is wrong with it.
 */
export class DataFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFileError';
  }
}
