/**
 * @recur/tensor/testing — test utilities shared by every package and backend: closeness asserts,
 * leak checks, finite-difference gradchecks and the kernel conformance suite. `runConformance` and
 * the setup file need vitest (an optional peer dependency); the rest is framework-free.
 *
 * @example
 * import { expectClose, gradcheck, runConformance } from '@recur/tensor/testing';
 * await expectClose(add(a, b), [4, 6]);
 */
export { closeReport, expectClose, expectCloseSync, isClose } from './close.js';
export type { CloseOptions, CloseReport, Numeric } from './close.js';
export { expectNoLeaks, leakedSince, trackLeaks } from './leaks.js';
export type { LeakSnapshot } from './leaks.js';
export { gradcheck } from './gradcheck.js';
export type { AnalyticVjp, GradcheckInputReport, GradcheckOptions } from './gradcheck.js';
export { conformanceCases, runConformance } from './conformance/index.js';
export type { ConformanceCase, ConformanceOptions, Tolerance } from './conformance/index.js';
