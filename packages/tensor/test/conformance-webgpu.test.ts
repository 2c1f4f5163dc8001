/**
 * The foundation's conformance suite, unchanged, against the WebGPU backend on SwiftShader
 * (`webgpu` package, VK_ICD_FILENAMES set in vitest.config.ts). No skips.
 *
 * The other WebGPU suites of this package run from this file, in the same worker and one after
 * another: SwiftShader spreads each device over every core, and several GPU test files in
 * parallel workers on a 2-core machine starved each other (one matmul case took 232 s).
 */
import { runConformance } from '../src/testing/index.js';
import { webgpu } from './webgpu/gpu.js';
import './webgpu/backend-suite.js';
import './webgpu/fused-suite.js';
import './webgpu/fused-cache-suite.js';
import './webgpu/matmul-suite.js';

runConformance('webgpu', () => webgpu());
