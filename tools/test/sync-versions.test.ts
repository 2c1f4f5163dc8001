import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { syncVersions, VERSIONED, versionModule } from '../sync-versions.mjs';

describe('versions come from package.json', () => {
  it('every generated src/version.ts in the repository matches its package.json', () => {
    expect(syncVersions(undefined, { check: true })).toEqual([]);
  });

  it('a bumped package.json makes the file stale; a sync rewrites it', () => {
    const root = mkdtempSync(join(tmpdir(), 'recur-versions-'));
    try {
      for (const dir of VERSIONED as string[]) {
        mkdirSync(join(root, dir, 'src'), { recursive: true });
        writeFileSync(join(root, dir, 'package.json'), JSON.stringify({ name: '@recur/x', version: '0.1.0' }));
        writeFileSync(join(root, dir, 'src/version.ts'), versionModule('@recur/x', '0.1.0'));
      }
      expect(syncVersions(root, { check: true })).toEqual([]);
      const dir = VERSIONED[0] as string;
      writeFileSync(join(root, dir, 'package.json'), JSON.stringify({ name: '@recur/x', version: '0.2.0' }));
      expect(syncVersions(root, { check: true })).toEqual([`${dir}/src/version.ts`]);
      expect(readFileSync(join(root, dir, 'src/version.ts'), 'utf8')).toContain("'0.1.0'");
      syncVersions(root);
      expect(readFileSync(join(root, dir, 'src/version.ts'), 'utf8')).toContain("export const VERSION = '0.2.0';");
      expect(syncVersions(root, { check: true })).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
