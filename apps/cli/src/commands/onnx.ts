/** ONNX commands (export, verify, serve): thin wrappers over @recur/onnx-export. */
import { CliError } from '../errors.js';
import type { Command } from '../main.js';

const pending = (name: string): Command => ({
  summary: name,
  run: async () => {
    throw new CliError(`recur ${name}: not available yet`);
  },
});

export const exportCommand = pending('export');
export const verifyCommand = pending('verify');
export const serveCommand = pending('serve');
