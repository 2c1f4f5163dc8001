/**
 * The foundation's conformance suite, unchanged, against the WebGPU backend on SwiftShader
 * (`webgpu` package, VK_ICD_FILENAMES set in vitest.config.ts). No skips.
 */
import { runConformance } from '../src/testing/index.js';
import { webgpu } from './webgpu/gpu.js';

runConformance('webgpu', () => webgpu());
