/** Shared pieces of the property-based parser tests (fast-check). */
import fc from 'fast-check';

/** Runs per property: enough to hit the edge cases of each format, small enough for CI (seconds). */
export const RUNS = { numRuns: 300 };

/**
 * Passes when `e` is an error of the parser's own type whose message names `where`; rethrows
 * anything else (a raw TypeError/RangeError), so fast-check reports it with its counterexample.
 */
export function ownError(e: unknown, type: abstract new (...a: never[]) => Error, where?: string): void {
  if (!(e instanceof type)) throw e;
  if (where !== undefined && !e.message.includes(where)) throw new Error(`${type.name} does not name ${where}: ${e.message}`);
}

/** Text built from the pieces a delimited/JSON parser reacts to, plus arbitrary characters. */
export const structuredText = (pieces: readonly string[]): fc.Arbitrary<string> =>
  fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pieces) }, { weight: 1, arbitrary: fc.string({ maxLength: 4, unit: 'binary' }) }), { maxLength: 60 }).map((xs) => xs.join(''));

/** `bytes` with up to 4 positions overwritten (mutations of a valid file). */
export const mutated = (bytes: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc.array(fc.tuple(fc.nat({ max: Math.max(0, bytes.length - 1) }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).chain((edits) =>
    fc.nat({ max: bytes.length }).map((cut) => {
      const b = bytes.slice();
      for (const [i, v] of edits) b[i] = v;
      return cut > bytes.length - 8 ? b : b.subarray(0, cut + 8 > bytes.length ? bytes.length : cut + 8);
    }),
  );
