// Installs packed tarballs outside the workspace, offline, with no registry and no metadata cache:
// a project with pnpm (every package resolves to a local tarball through overrides), and a global
// prefix with npm (every tarball, third-party ones included, on the command line; empty npm cache).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The environment without the package-manager variables of the `pnpm test` that started us. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_)/i.test(k) || k === 'PNPM_SCRIPT_SRC_DIR' || k === 'INIT_CWD' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/**
 * Creates `dir` as an empty project whose only dependencies are `direct` (package names) and installs
 * it with `pnpm install --offline`. Every package named in `tarballs` (name → .tgz: the internal ones,
 * and the third-party ones made by externalTarballs) resolves to its tarball through overrides, so
 * pnpm needs neither the registry nor its metadata cache.
 */
export function installProject(dir, direct, tarballs) {
  mkdirSync(dir, { recursive: true });
  const spec = (name) => {
    if (!tarballs[name]) throw new Error(`no tarball for ${name} (packed: ${Object.keys(tarballs).join(', ')})`);
    return `file:${tarballs[name]}`;
  };
  const dependencies = Object.fromEntries(direct.map((n) => [n, spec(n)]));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'recur-smoke', private: true, type: 'module', dependencies }, null, 2));
  const overrides = Object.keys(tarballs).map((n) => `  "${n}": "${spec(n)}"\n`).join('');
  writeFileSync(join(dir, 'pnpm-workspace.yaml'), `overrides:\n${overrides}`);
  execFileSync('pnpm', ['install', '--offline', '--no-frozen-lockfile', '--reporter=append-only'], {
    cwd: dir, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `npm install -g --prefix prefix --offline` of the given tarballs with a new, empty npm cache. */
export function installGlobal(prefix, files, cacheDir) {
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', '--loglevel=error', ...files], {
    env: cleanEnv({ npm_config_cache: cacheDir, npm_config_update_notifier: 'false' }), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a command; returns { code, stdout, stderr } (never throws on a non-zero exit). */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180_000, ...opts, env: cleanEnv(opts.env ?? {}) });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
