/** Node-only helpers of @recur/recurrent: safetensors files on disk, written atomically. */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Tensor } from '@recur/tensor';
import { parseSafetensors, writeSafetensors, type ParsedSafetensors } from '../safetensors.js';

/**
 * Writes `tensors` to `path` as safetensors through a temporary file and a rename, so a crash never
 * leaves a half-written checkpoint.
 *
 * @example
 * await saveSafetensors('model.safetensors', model.stateDict());
 */
export async function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  const bytes = await writeSafetensors(tensors, metadata);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/**
 * Reads a safetensors file: `{ tensors, metadata }`.
 *
 * @example
 * const { tensors } = await loadSafetensors('model.safetensors');
 * model.loadStateDict(tensors);
 */
export async function loadSafetensors(path: string): Promise<ParsedSafetensors> {
  try {
    return parseSafetensors(new Uint8Array(await readFile(path)));
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}
