/** .onnx files on disk: atomic writes, and reading a model with its tokenizer settings. */
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { decodeModel, type ModelProto } from '../proto/codec.js';
import { readTokenizerSettings, type TokenizerSettings } from '../tokenizer.js';

/**
 * Writes `bytes` to `path` through a temporary file and a rename, so a crash never leaves half a model.
 *
 * @example
 * const { bytes } = await exportSentimentModel(model, settings);
 * await saveOnnx('model.onnx', bytes);
 */
export async function saveOnnx(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new Error(`saveOnnx: cannot write ${path}: ${(e as Error).message}`);
  }
}

export interface LoadedOnnx {
  bytes: Uint8Array;
  model: ModelProto;
  /** Present when the file was exported with tokenizer metadata (exportSentimentModel). */
  settings?: TokenizerSettings;
}

/**
 * Reads and decodes a .onnx file (errors name the path).
 *
 * @example
 * const { model, settings } = await loadOnnx('model.onnx');
 * console.log(model.producerName, settings?.vocab.length);
 */
export async function loadOnnx(path: string): Promise<LoadedOnnx> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`loadOnnx: cannot read ${path}: ${(e as Error).message}`);
  }
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  const hasTokenizer = (model.metadataProps ?? []).some((p) => p.key === 'recur.vocab');
  return { bytes, model, ...(hasTokenizer ? { settings: readTokenizerSettings(model) } : {}) };
}
