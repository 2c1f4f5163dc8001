/** The shared kernel conformance suite against the CPU backend (float32, no skips). */
import { createCpuBackend } from '../src/index.js';
import { runConformance } from '../src/testing/index.js';

runConformance('cpu', () => createCpuBackend());
