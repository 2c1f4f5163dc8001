/**
 * The data panel: picks the source (built-in reviews, a sequence task, a dropped file or aclImdb
 * folder), reads and validates it, and prepares the encoded dataset the worker trains on.
 */
import { prepareData, splitStats, type PreparedData } from '../data/dataset.js';
import { FileFormatError, parseLabeledFile, selectImdbFiles, toClasses } from '../data/parse-file.js';
import { SEQUENCE_CLASSES, sequenceTask, type SequenceTaskName } from '../data/sequence-tasks.js';
import { builtinCorpus, type LabeledText } from '../data/synthetic.js';
import { byId, messageOf, numberOf, showError } from './dom.js';

type Source = 'builtin' | 'sequence' | 'file';

/** Example inputs for the Inspect box, per kind of data. */
const SAMPLES: Record<'text' | SequenceTaskName, string> = {
  text: 'although the plot was not very good , the cast felt superb .',
  recall: 'Xabcdhgfeabcdhgfe',
  brackets: '(()())(())',
};

/** What a user dropped or chose, read into memory but not yet tokenised. */
interface LoadedFile {
  name: string;
  classes: string[];
  train: LabeledText[];
  valid?: LabeledText[];
}

export interface DataPanel {
  /** Prepares the chosen source; throws with a message for the page. */
  prepare(): PreparedData;
  source(): Source;
}

function readSource(): Source {
  const checked = document.querySelector<HTMLInputElement>('input[name="source"]:checked');
  return (checked?.value ?? 'builtin') as Source;
}

function intIn(id: string, label: string, min: number, max: number): number {
  const v = numberOf(id);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${label} must be a whole number between ${min} and ${max}`);
  return v;
}

/** Reads every file entry under a dropped directory (the File System Entry API, in batches). */
async function walkEntry(entry: FileSystemEntry, out: Array<{ path: string; file: () => Promise<File> }>): Promise<void> {
  if (entry.isFile) {
    const fe = entry as FileSystemFileEntry;
    out.push({ path: fe.fullPath, file: () => new Promise<File>((res, rej) => fe.file(res, rej)) });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
    if (batch.length === 0) break;
    // Skip what an aclImdb walk never needs (the unsup split is 50,000 files).
    await Promise.all(batch.filter((e) => !/\/unsup$/.test(e.fullPath)).map((e) => walkEntry(e, out)));
  }
}

async function readImdb(listing: Array<{ path: string; file: () => Promise<File> }>, perClass: number): Promise<LoadedFile> {
  const chosen = selectImdbFiles(listing, perClass);
  const texts = await Promise.all(chosen.map(async (f) => ({ split: f.split, label: f.label, text: await (await f.file()).text() })));
  const train = texts.filter((t) => t.split === 'train').map(({ text, label }) => ({ text, label }));
  const test = texts.filter((t) => t.split === 'test').map(({ text, label }) => ({ text, label }));
  if (train.length === 0) throw new FileFormatError('this aclImdb folder has no train/pos or train/neg reviews');
  const out: LoadedFile = { name: `aclImdb (${train.length} train${test.length ? `, ${test.length} test` : ''})`, classes: ['negative', 'positive'], train };
  if (test.length) out.valid = test;
  return out;
}

async function readTextFile(file: File): Promise<LoadedFile> {
  if (file.size > 200 * 1024 * 1024) throw new FileFormatError(`${file.name}: ${(file.size / 1e6).toFixed(0)} MB is too large for the page (limit 200 MB)`);
  const corpus = toClasses(parseLabeledFile(file.name, await file.text()), file.name);
  return { name: file.name, classes: corpus.classes, train: corpus.records };
}

export function createDataPanel(onChange: () => void): DataPanel {
  let loaded: LoadedFile | null = null;
  const status = byId('file-status');
  const dropzone = byId('dropzone');

  const showSource = () => {
    const s = readSource();
    for (const k of ['builtin', 'sequence', 'file'] as const) byId(`source-${k}`).hidden = k !== s;
    // Swap the example text to one that fits the source, unless the user typed their own.
    const sentence = byId<HTMLInputElement>('sentence');
    const sample = s === 'sequence' ? SAMPLES[byId<HTMLSelectElement>('seq-task').value as SequenceTaskName] : SAMPLES.text;
    if (Object.values(SAMPLES).includes(sentence.value) || sentence.value.trim() === '') sentence.value = sample;
    sentence.placeholder = sample;
    onChange();
  };
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="source"]')) r.addEventListener('change', showSource);
  byId('seq-task').addEventListener('change', showSource);

  const accept = async (what: string, read: () => Promise<LoadedFile>) => {
    status.textContent = `Reading ${what}…`;
    try {
      loaded = await read();
      status.textContent = `Loaded ${loaded.name}: ${loaded.train.length + (loaded.valid?.length ?? 0)} records, classes ${loaded.classes.join(', ')}.`;
      onChange();
    } catch (e) {
      loaded = null;
      status.textContent = 'No usable file loaded.';
      showError(e instanceof FileFormatError ? `Wrong file format — ${e.message}` : `Could not read ${what}: ${messageOf(e)}`);
    }
  };
  const perClass = () => intIn('imdb-per-class', 'aclImdb reviews per split and label', 10, 12_500);

  byId<HTMLInputElement>('data-file').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void accept(file.name, () => readTextFile(file));
  });
  byId<HTMLInputElement>('data-folder').addEventListener('change', (e) => {
    const files = [...((e.target as HTMLInputElement).files ?? [])];
    if (files.length) void accept('the folder', () => readImdb(files.map((f) => ({ path: f.webkitRelativePath || f.name, file: async () => f })), perClass()));
  });
  dropzone.addEventListener('dragover', (e) => { e.preventDefault(); dropzone.classList.add('over'); });
  dropzone.addEventListener('dragleave', () => dropzone.classList.remove('over'));
  dropzone.addEventListener('drop', (e) => {
    e.preventDefault();
    dropzone.classList.remove('over');
    const item = e.dataTransfer?.items[0];
    const entry = item?.webkitGetAsEntry?.();
    if (entry?.isDirectory) {
      void accept(entry.name, async () => {
        const listing: Array<{ path: string; file: () => Promise<File> }> = [];
        await walkEntry(entry, listing);
        return readImdb(listing, perClass());
      });
    } else {
      const file = e.dataTransfer?.files[0];
      if (file) void accept(file.name, () => readTextFile(file));
    }
  });
  showSource();

  return {
    source: readSource,
    prepare(): PreparedData {
      const maxLen = intIn('max-len', 'Max tokens per text', 2, 1000);
      const s = readSource();
      if (s === 'builtin') {
        const count = intIn('builtin-count', 'Reviews', 100, 5000);
        const { train, test } = builtinCorpus({ train: count, test: Math.max(100, Math.round(count / 5)) });
        return prepareData({ name: 'Built-in sentiment', tokenizer: 'basic_english', classes: ['negative', 'positive'], train, valid: test, maxLen });
      }
      if (s === 'sequence') {
        const task = byId<HTMLSelectElement>('seq-task').value as SequenceTaskName;
        const length = intIn('seq-length', 'Sequence length', 2, 400);
        const count = intIn('seq-count', 'Examples', 100, 10_000);
        const train = sequenceTask({ task, count, length, seed: 11 });
        const valid = sequenceTask({ task, count: Math.max(100, Math.round(count / 5)), length, seed: 12 });
        const name = `${task === 'recall' ? 'Remember the first symbol' : 'Balanced brackets'}, length ${length}`;
        return prepareData({ name, tokenizer: 'chars', classes: [...SEQUENCE_CLASSES[task]], train, valid, maxLen: Math.max(maxLen, length) });
      }
      if (!loaded) throw new Error('Choose or drop a file (or an aclImdb folder) first');
      const opts = { name: loaded.name, tokenizer: 'basic_english' as const, classes: loaded.classes, train: loaded.train, maxLen, validShare: 0.1 };
      return prepareData(loaded.valid ? { ...opts, valid: loaded.valid } : opts);
    },
  };
}

/** One line describing a prepared dataset. */
export function describeData(d: PreparedData): string {
  const t = splitStats(d.train);
  const v = splitStats(d.valid);
  return `${d.name}: ${t.count} training and ${v.count} validation examples, vocabulary ${d.vocab.tokens.length}, mean length ${t.meanLen.toFixed(1)} tokens (max ${t.maxLen}), classes ${d.classes.join(' / ')}.`;
}

