#!/usr/bin/env node
// Dependency rules of the workspace, checked over package.json files and every import in source:
// - libraries (packages/*) never depend on apps (apps/*);
// - @recur/tensor depends on no internal package; each library only on the ones allowed below;
// - no cycles among internal packages;
// - no deep imports into another package's src/ and no relative paths that leave a package;
// - every @recur/* import is declared in that package's package.json;
// - @recur/tensor's core (everything in src/ but the backends, testing/, the two entries (`.` and
//   `./backend`) and the default-backend wiring) imports no backend (src/cpu, src/webgpu).
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED = {
  '@recur/tensor': [],
  '@recur/autograd': ['@recur/tensor'],
  '@recur/recurrent': ['@recur/tensor', '@recur/autograd'],
  '@recur/text': ['@recur/tensor'],
  '@recur/onnx-export': ['@recur/tensor', '@recur/recurrent', '@recur/text'],
};

function workspacePackages(root) {
  const out = [];
  for (const group of ['packages', 'apps', 'bench']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    const dirs = group === 'bench' ? [''] : readdirSync(base);
    for (const d of dirs) {
      const pj = join(base, d, 'package.json');
      if (!existsSync(pj)) continue;
      const json = JSON.parse(readFileSync(pj, 'utf8'));
      const deps = Object.keys({ ...json.dependencies, ...json.peerDependencies, ...json.devDependencies })
        .filter((n) => n.startsWith('@recur/'));
      out.push({ name: json.name, dir: join(base, d), isApp: group !== 'packages', deps });
    }
  }
  return out;
}

function sourceFiles(dir) {
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d)) {
      if (e === 'node_modules' || e === 'dist' || e.startsWith('.')) continue;
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(m?[jt]sx?)$/.test(e) && !e.endsWith('.d.ts')) files.push(p);
    }
  };
  for (const sub of ['src', 'test', 'bin', 'bench', 'e2e']) if (existsSync(join(dir, sub))) walk(join(dir, sub));
  return files;
}

const BACKEND_DIRS = ['cpu', 'webgpu'];
const CORE_EXEMPT = /^src\/(cpu|webgpu|testing)\/|^src\/(index|backend-entry|default-backend)\.ts$/;

/** True when `file` (relative to the tensor package) is core code and `target` lies in a backend. */
function coreImportsBackend(pkgDir, file, target) {
  const rel = relative(pkgDir, file);
  if (!rel.startsWith('src/') || CORE_EXEMPT.test(rel) || /\.test\.ts$/.test(rel)) return false;
  return BACKEND_DIRS.some((d) => target === join(pkgDir, 'src', d) || target.startsWith(join(pkgDir, 'src', d) + '/'));
}

const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

/** Checks the workspace at `root`; returns the violations found. */
export function check(root = repoRoot) {
  const pkgs = workspacePackages(root);
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const errors = [];
  for (const p of pkgs) {
    for (const d of p.deps) {
      const target = byName.get(d);
      if (target?.isApp) errors.push(`${p.name} depends on app ${d}`);
      if (!p.isApp && ALLOWED[p.name] && !ALLOWED[p.name].includes(d)) {
        errors.push(`${p.name} may not depend on ${d} (allowed: ${ALLOWED[p.name].join(', ') || 'none'})`);
      }
    }
    for (const f of sourceFiles(p.dir)) {
      const text = readFileSync(f, 'utf8');
      const lines = text.split('\n');
      for (const m of text.matchAll(IMPORT_RE)) {
        const spec = m[1] ?? m[2] ?? m[3];
        const line = text.slice(0, m.index).split('\n').length;
        const where = `${relative(root, f)}:${line}`;
        if (lines[line - 1]?.includes('check-deps: ignore')) continue;
        if (spec.startsWith('@recur/')) {
          const [scope, name, ...rest] = spec.split('/');
          const pkg = `${scope}/${name}`;
          if (pkg !== p.name && !p.deps.includes(pkg)) errors.push(`${where}: imports ${pkg} but ${p.name} does not declare it`);
          if (rest[0] === 'src') errors.push(`${where}: deep import '${spec}' into another package's src/`);
          if (byName.get(pkg)?.isApp && pkg !== p.name) errors.push(`${where}: imports app ${pkg}`);
        } else if (spec.startsWith('.')) {
          const target = resolve(dirname(f), spec);
          if (!target.startsWith(p.dir + '/') && target !== p.dir) {
            errors.push(`${where}: relative import '${spec}' leaves package ${p.name}`);
          }
          if (p.name === '@recur/tensor' && coreImportsBackend(p.dir, f, target)) {
            errors.push(`${where}: the tensor core imports a backend ('${spec}'); register backends from the entry`);
          }
        }
      }
    }
  }
  // Cycles among internal packages (depth-first search over declared deps).
  const state = new Map();
  const visit = (name, stack) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'active') {
      errors.push(`dependency cycle: ${[...stack.slice(stack.indexOf(name)), name].join(' -> ')}`);
      return;
    }
    state.set(name, 'active');
    for (const d of byName.get(name)?.deps ?? []) if (byName.has(d)) visit(d, [...stack, name]);
    state.set(name, 'done');
  };
  for (const p of pkgs) visit(p.name, []);
  return { errors, packages: pkgs.length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { errors, packages } = check();
  if (errors.length) {
    console.error(`check-deps: ${errors.length} violation(s):\n  ${errors.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`check-deps: ${packages} packages, dependency rules hold`);
}
