import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { countResults, reportFiles } from '../count-results.mjs';

describe('count-results', () => {
  it('sums vitest JSON reports across packages, counting load failures', () => {
    const root = mkdtempSync(join(tmpdir(), 'recur-count-'));
    try {
      mkdirSync(join(root, 'packages/a'), { recursive: true });
      mkdirSync(join(root, 'apps/b'), { recursive: true });
      writeFileSync(join(root, 'packages/a/.vitest-report.json'), JSON.stringify({ numPassedTests: 5, numFailedTests: 1, testResults: [] }));
      writeFileSync(join(root, 'apps/b/.vitest-report.json'), JSON.stringify({
        numPassedTests: 2, numFailedTests: 0, testResults: [{ status: 'failed', assertionResults: [] }],
      }));
      const files = reportFiles(root);
      expect(files).toHaveLength(2);
      expect(countResults(files)).toEqual({ passed: 7, failed: 2 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
