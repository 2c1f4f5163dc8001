/**
 * A fingerprint of what a run trained on, stored as `fingerprint.json` in the run directory and
 * checked by `--resume`: the SHA-256 of every train/validation/test example (text and label, in
 * split order) and of the pretrained-vectors file (its size plus its first and last MiB, so a
 * multi-GB file is not read again). Equal fingerprints mean `--resume` continues the same run.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSets } from '../data/load.js';
import { readJson, writeJsonAtomic } from '../fs-util.js';

export const FINGERPRINT_FILE = 'fingerprint.json';

export interface DataFingerprint {
  format: 'recur-data-fingerprint';
  version: 1;
  data: { sha256: string; train: number; valid: number; test: number };
  /** null when the run uses no pretrained vectors. */
  vectors: { path: string; bytes: number; sha256: string } | null;
}

function hashSets(sets: DataSets): string {
  const h = createHash('sha256');
  for (const [name, xs] of [['train', sets.train], ['valid', sets.valid], ['test', sets.test]] as const) {
    h.update(`${name}:${xs.length}\n`);
    for (const x of xs) h.update(`${x.label}\t${x.text}\n`);
  }
  return h.digest('hex');
}

const MIB = 1 << 20;

/** Size and the SHA-256 of the first and last MiB of a file. */
function hashFileEnds(path: string): { bytes: number; sha256: string } {
  const bytes = statSync(path).size;
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const ranges = bytes > 2 * MIB ? [[0, MIB], [bytes - MIB, MIB]] : [[0, bytes]];
    for (const [at, len] of ranges) {
      const part = Buffer.alloc(len!);
      const n = readSync(fd, part, 0, len!, at!);
      h.update(part.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, sha256: h.digest('hex') };
}

/**
 * The fingerprint of loaded data sets and (optionally) a vectors file.
 *
 * @example
 * const fp = dataFingerprint(data.sets, '/data/glove/glove.6B.50d.txt');
 */
export function dataFingerprint(sets: DataSets, vectorsPath: string | null): DataFingerprint {
  return {
    format: 'recur-data-fingerprint',
    version: 1,
    data: { sha256: hashSets(sets), train: sets.train.length, valid: sets.valid.length, test: sets.test.length },
    vectors: vectorsPath ? { path: vectorsPath, ...hashFileEnds(vectorsPath) } : null,
  };
}

export const writeFingerprint = (runDir: string, fp: DataFingerprint): void => writeJsonAtomic(join(runDir, FINGERPRINT_FILE), fp);

/** The stored fingerprint, or null for runs made before fingerprints existed. */
export function readFingerprint(runDir: string): DataFingerprint | null {
  const path = join(runDir, FINGERPRINT_FILE);
  return existsSync(path) ? readJson<DataFingerprint>(path, 'data fingerprint') : null;
}

/** Why two fingerprints differ, in words, or null when they are equal. */
export function fingerprintChange(saved: DataFingerprint, now: DataFingerprint): string | null {
  const a = saved.data, b = now.data;
  if (a.sha256 !== b.sha256) {
    const counts = (['train', 'valid', 'test'] as const).filter((k) => a[k] !== b[k]).map((k) => `${k} ${a[k]} → ${b[k]} examples`);
    return `the data changed (${counts.length ? counts.join(', ') : 'same counts, different texts or labels'})`;
  }
  const va = saved.vectors, vb = now.vectors;
  if (va && !vb) return `the vectors file ${va.path} is gone`;
  if (va && vb && (va.bytes !== vb.bytes || va.sha256 !== vb.sha256)) return `the vectors file ${vb.path} changed (${va.bytes} → ${vb.bytes} bytes)`;
  return null;
}
