#!/usr/bin/env node
// Sums vitest's own JSON reports (one per package, written by each package's `test` script to
// .vitest-report.json) into the plain line CI reads: "N passed, N failed".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Report files of every workspace package under `root`. */
export function reportFiles(root = repoRoot) {
  const files = [];
  for (const group of ['packages', 'apps', 'tools', 'bench']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    const direct = join(base, '.vitest-report.json');
    if (existsSync(direct)) files.push(direct);
    for (const d of readdirSync(base)) {
      const f = join(base, d, '.vitest-report.json');
      if (existsSync(f)) files.push(f);
    }
  }
  return files;
}

/** Workspace packages that have a `test` script but wrote no report (each counts as a failure). */
export function missingReports(root = repoRoot) {
  const missing = [];
  for (const group of ['packages', 'apps', 'tools', 'bench']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    const dirs = existsSync(join(base, 'package.json')) ? [base] : readdirSync(base).map((d) => join(base, d));
    for (const dir of dirs) {
      const pj = join(dir, 'package.json');
      if (!existsSync(pj)) continue;
      const json = JSON.parse(readFileSync(pj, 'utf8'));
      if (json.scripts?.test && !existsSync(join(dir, '.vitest-report.json'))) missing.push(json.name);
    }
  }
  return missing;
}

/** Totals over vitest JSON reports; a suite that failed to load counts as one failure. */
export function countResults(files) {
  let passed = 0, failed = 0;
  for (const f of files) {
    const r = JSON.parse(readFileSync(f, 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0);
    for (const suite of r.testResults ?? []) {
      if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed++;
    }
  }
  return { passed, failed };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = reportFiles();
  const { passed, failed } = countResults(files);
  const missing = missingReports();
  for (const name of missing) console.log(`count-results: ${name} wrote no vitest report (counted as 1 failed)`);
  console.log(`${passed} passed, ${failed + missing.length} failed`);
}
