// Entry point of the WebAssembly kernels of @recur/tensor's CPU backend (built by
// scripts/build-wasm.mjs into src/cpu/wasm/kernels.generated.ts).
export { packedSize, packedASize, packB, gemm } from './gemm';
export { selectRows, colSum, flushDenormals, flushMaxAbs, maxAbs, setFlushBelow } from './math';
export { lstmForward, lstmBackward, gruForward, gruBackward, addRowsMasked, rnnForward, rnnBackward } from './cells';
export { adamStep } from './optim';
export { dropout } from './random';
export { lstmSequence, lstmSequenceBackward, gruSequence, gruSequenceBackward, rnnSequence, rnnSequenceBackward } from './sequence';
