/** "Did you mean …?" for mistyped commands and options: the closest name within edit distance 2. */

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/**
 * The closest of `names` to `input` (at most 2 edits, and fewer than half its length), or null.
 *
 * @example
 * closest('hiden', ['hidden', 'layers']); // 'hidden'
 */
export function closest(input: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const n of names) {
    const d = distance(input, n);
    if (d < bestD) [best, bestD] = [n, d];
  }
  return bestD <= Math.min(2, Math.floor(input.length / 2)) ? best : null;
}
