/**
 * `@recur/cli` as a library: run the `recur` command in-process (the `recur` binary calls `main`).
 *
 * @example
 * import { runCli, VERSION } from '@recur/cli';
 * const code = await runCli(['info', '--preset', 'seed']); // prints the architecture; 0 on success
 * console.log(VERSION); // "0.1.0"
 */
export { main, runCli, VERSION, type Command } from './main.js';
