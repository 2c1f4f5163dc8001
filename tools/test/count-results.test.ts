import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { countResults, missingReports, reportFiles } from '../count-results.mjs';

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
      expect(missingReports(root)).toEqual([]);
      mkdirSync(join(root, 'packages/c'), { recursive: true });
      writeFileSync(join(root, 'packages/c/package.json'), JSON.stringify({ name: '@x/c', scripts: { test: 'vitest run' } }));
      expect(missingReports(root)).toEqual(['@x/c']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
