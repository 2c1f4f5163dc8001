/**
 * @recur/autograd — reverse-mode differentiation for @recur/tensor through kernel listeners.
 *
 * @example
 * import { tensor, sum, mul } from '@recur/tensor';
 * import { valueAndGrad } from '@recur/autograd';
 * const { value, grads } = valueAndGrad((x) => sum(mul(x, x)))(tensor([1, 2, 3]));
 */
export { valueAndGrad, grad, backward, noGrad, watch, unwatch, isTracked, isGradEnabled, liveGradNodes } from './api.js';
export type { ValueAndGrad } from './api.js';
export { defineGrad, getGrad, registeredGradKernels } from './grad-registry.js';
export type { GradConfig, GradContext, GradThunk, GradAttrs } from './grad-registry.js';
export { defineNamedGrad, type NamedGradConfig, type NamedGradContext } from './named-grad.js';
export { unbroadcast } from './unbroadcast.js';
