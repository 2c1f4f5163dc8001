/**
 * Installs every gradient rule. Registration is an explicit call (made by the tape when it starts
 * recording), not an import side effect, so bundlers honouring `sideEffects: false` keep the rules.
 */
import { registerElementwiseGrads } from './elementwise.js';
import { registerFusedRnnGrads } from './fused-rnn.js';
import { registerIndexingGrads } from './indexing.js';
import { registerMatMulGrads } from './matmul.js';
import { registerMovementGrads } from './movement.js';
import { registerReduceGrads } from './reduce.js';

let installed = false;

export function installGradRules(): void {
  if (installed) return;
  installed = true;
  registerElementwiseGrads();
  registerReduceGrads();
  registerMatMulGrads();
  registerMovementGrads();
  registerIndexingGrads();
  registerFusedRnnGrads();
}
