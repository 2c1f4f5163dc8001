#!/usr/bin/env node
// Entry point of the `recur` command. In a source checkout (src/main.ts present) it runs the
// TypeScript sources directly: tsx compiles them on the fly and a one-line resolve hook adds the
// `@recur/source` export condition so workspace packages resolve to their src/ too (no build step).
// An installed package (under node_modules: the tarball ships src/ for its source maps, but no tsx)
// runs the compiled dist/ instead.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const source = new URL('../src/main.ts', import.meta.url);

const installed = here.split(/[\\/]/).includes('node_modules');
if (!installed && existsSync(fileURLToPath(source))) {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  register(new URL('./source-condition.mjs', import.meta.url), pathToFileURL(here));
  const { main } = await import(source.href);
  await main(process.argv.slice(2));
} else {
  const { main } = await import(new URL('../dist/main.js', import.meta.url).href);
  await main(process.argv.slice(2));
}
