// Packs the publishable workspace packages the way `pnpm publish` would (prepack builds dist/) and
// makes npm-style tarballs of their third-party runtime dependencies from the copies pnpm already
// installed, so a fresh project can install everything offline, with no registry and no cache.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Non-private packages under packages/ and apps/, dependencies first (each package after the
 * internal packages it depends on). Each: { name, version, dir, manifest }.
 */
export function publishablePackages(root = repoRoot) {
  const found = [];
  for (const group of ['packages', 'apps']) {
    for (const d of readdirSync(join(root, group)).sort()) {
      const pj = join(root, group, d, 'package.json');
      if (!existsSync(pj)) continue;
      const manifest = JSON.parse(readFileSync(pj, 'utf8'));
      if (!manifest.private) found.push({ name: manifest.name, version: manifest.version, dir: join(root, group, d), manifest });
    }
  }
  const byName = new Map(found.map((p) => [p.name, p]));
  const ordered = [];
  const seen = new Set();
  const visit = (p) => {
    if (seen.has(p.name)) return;
    seen.add(p.name);
    for (const dep of Object.keys(p.manifest.dependencies ?? {})) if (byName.has(dep)) visit(byName.get(dep));
    ordered.push(p);
  };
  found.forEach(visit);
  return ordered;
}

/** Internal packages `name` needs at run time, itself included (transitively, through `dependencies`). */
export function internalClosure(name, packages) {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const out = new Set();
  const visit = (n) => {
    if (out.has(n) || !byName.has(n)) return;
    out.add(n);
    for (const dep of Object.keys(byName.get(n).manifest.dependencies ?? {})) visit(dep);
  };
  visit(name);
  return [...out];
}

/** Runs `pnpm pack` in each package (its prepack script cleans and builds dist/); returns tarball paths by name. */
export function packAll(packages, outDir) {
  mkdirSync(outDir, { recursive: true });
  const tarballs = {};
  for (const p of packages) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', outDir], { cwd: p.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const file = out.split('\n').map((l) => l.trim()).filter((l) => l.endsWith('.tgz')).pop() ?? '';
    if (!existsSync(file)) throw new Error(`pnpm pack in ${p.dir} printed no tarball path:\n${out}`);
    tarballs[p.name] = file;
  }
  return tarballs;
}

/**
 * Tarballs (npm layout: `package/…`) of every third-party package the publishable packages need at
 * run time through `dependencies`, taken from the workspace's installed copies. Peer dependencies are
 * left out on purpose: they are optional and the smoke test checks the errors when they are missing.
 */
export function externalTarballs(packages, outDir) {
  mkdirSync(outDir, { recursive: true });
  const internal = new Set(packages.map((p) => p.name));
  const done = new Map();
  const visit = (name, fromDir) => {
    if (internal.has(name) || done.has(name)) return;
    const dir = installedDir(name, fromDir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = join(outDir, `${name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
    execFileSync('tar', ['czf', file, '-C', dirname(dir), '--exclude=node_modules', `--transform=s,^${basename(dir)},package,`, basename(dir)]);
    done.set(name, file);
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir);
  };
  for (const p of packages) for (const dep of Object.keys(p.manifest.dependencies ?? {})) visit(dep, p.dir);
  return Object.fromEntries(done);
}

/** The real directory of package `name` as Node would find it from `fromDir`. */
function installedDir(name, fromDir) {
  for (let d = fromDir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(d) === d) throw new Error(`${name} is not installed where ${fromDir} can see it (run pnpm install)`);
  }
}

/**
 * The first ```js block of a README and the packages its nearest preceding `npm install …` names
 * (null when no such line naming an @recur package precedes the block).
 */
export function readmeExample(text) {
  const m = /```js\n([\s\S]*?)```/.exec(text);
  if (!m) return null;
  const before = text.slice(0, m.index);
  const installs = [...before.matchAll(/`npm install ([^`]+)`/g)].map((x) => x[1].trim().split(/\s+/));
  const last = installs.filter((words) => words.some((w) => w.startsWith('@recur/'))).at(-1);
  return { code: m[1], install: last ?? null };
}

/** The first ```js block after the heading `heading` in a README, with the `pnpm add` line above it. */
export function sectionExample(text, heading) {
  const at = text.indexOf(`\n${heading}\n`);
  if (at < 0) return null;
  const next = text.indexOf('\n## ', at + heading.length + 2);
  const section = text.slice(at, next < 0 ? undefined : next);
  const m = /```js\n([\s\S]*?)```/.exec(section);
  const add = /pnpm add ((?:@recur\/[\w-]+[ \t]*)+)/.exec(section);
  return m && add ? { code: m[1], install: add[1].trim().split(/\s+/) } : null;
}
