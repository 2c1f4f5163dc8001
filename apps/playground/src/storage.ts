/**
 * Models saved in this browser: IndexedDB records of the safetensors bytes and the model's metadata
 * (config, vocabulary, classes), keyed by name. A save writes one record in one transaction, so a
 * model is stored whole or not at all.
 */
import type { ModelMeta } from './protocol.js';

export interface SavedModel {
  name: string;
  savedAt: string;
  meta: ModelMeta;
  safetensors: Uint8Array;
}

const DB = 'recur-playground';
const STORE = 'models';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('this browser has no IndexedDB (private mode?), so models cannot be saved here; download them instead'));
      return;
    }
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'name' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      let value: T;
      req.onsuccess = () => { value = req.result; };
      tx.oncomplete = () => resolve(value);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (storage full?)'));
    });
  } finally {
    db.close();
  }
}

export async function saveModel(m: SavedModel): Promise<void> {
  if (!m.name.trim()) throw new Error('give the model a name');
  await run('readwrite', (s) => s.put(m));
}

export async function listModels(): Promise<Array<{ name: string; savedAt: string; parameters: string }>> {
  const all = await run('readonly', (s) => s.getAll() as IDBRequest<SavedModel[]>);
  return all
    .sort((a, b) => (a.savedAt < b.savedAt ? 1 : -1))
    .map((m) => ({ name: m.name, savedAt: m.savedAt, parameters: `${m.meta.model.cell.toUpperCase()} ${m.meta.model.hiddenSize}×${m.meta.model.numLayers}` }));
}

export async function loadModel(name: string): Promise<SavedModel> {
  const m = await run('readonly', (s) => s.get(name) as IDBRequest<SavedModel | undefined>);
  if (!m) throw new Error(`no saved model named '${name}'`);
  return m;
}

export async function deleteModel(name: string): Promise<void> {
  await run('readwrite', (s) => s.delete(name));
}
