/**
 * Property-based test of the ONNX decoder (protobufjs underneath) and of the tokenizer metadata
 * `recur serve` reads from a file: random and mutated files decode or fail with an OnnxFormatError (`decodeModel:` /
 * `readTokenizerSettings:` message), never a raw TypeError/RangeError.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel, OnnxFormatError, readTokenizerSettings } from '@recur/onnx-export';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutated, RUNS } from './fuzz-helpers.js';
import { cli, tempDir } from './helpers.js';

/** Passes for the decoder's own errors (OnnxFormatError with its prefix); rethrows anything else. */
function decoderError(e: unknown): void {
  if (!(e instanceof OnnxFormatError) || !/^(decodeModel|readTokenizerSettings): /.test(e.message)) throw e;
}

describe('fuzz: ONNX files', () => {
  const { dir, cleanup } = tempDir('recur-fuzz-onnx-');
  let good: Uint8Array;
  beforeAll(async () => {
    const run = join(dir, 'run');
    expect((await cli('train', '--out', run, '--limit', '100', '--epochs', '1', '--hidden', '4', '--embedding-dim', '4', '--no-baseline')).code).toBe(0);
    expect((await cli('export', run, '--onnx', join(dir, 'm.onnx'))).code).toBe(0);
    good = new Uint8Array(readFileSync(join(dir, 'm.onnx')));
  });
  afterAll(cleanup);

  it('random and mutated files decode, or fail with the decoder\'s message', () => {
    expect(readTokenizerSettings(decodeModel(good)).tokenizer).toBe('basic_english');
    const check = (bytes: Uint8Array) => {
      try {
        readTokenizerSettings(decodeModel(bytes));
      } catch (e) {
        decoderError(e);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), check), RUNS);
    fc.assert(fc.property(mutated(good), check), RUNS);
  });
});
