/**
 * WebGPU elementwise kernels generated from the shared op table (`elementwise-table.ts`): unary,
 * binary with broadcasting (strides as uniforms, 0 on broadcast axes), compare, where, cast.
 *
 * Typing: float32 computes in f32 with the table's expression. int32 computes in i32 for the ops
 * whose integer form is exact (INT_EXPR) and otherwise in f32, stored back with JS ToInt32-like
 * truncation (NaN/±Inf → 0). bool (u32 0/1) computes in f32 and is stored as 0/1.
 */
import type { TensorInfo } from '../../backend.js';
import type { DType } from '../../dtype.js';
import { BINARY_TABLE, UNARY_TABLE, WGSL_ELEMENTWISE_HELPERS } from '../../elementwise-table.js';
import { BINARY_KERNELS, COMPARE_KERNELS, UNARY_KERNELS } from '../../kernel-names.js';
import { broadcastShapes, broadcastStrides, sizeOf, shapesEqual } from '../../shape.js';
import type { WebGPUBackend } from '../backend.js';
import { linearMain, runProgram, type Program } from '../program.js';
import { assertGpuDtypes, convert, offsetsFromIndex, WGSL_CONVERT, wgslType, type Cfg } from './common.js';

const WG = 64;

/** Integer forms of ops whose i32 result is exact (the f32 table forms would lose precision). */
const INT_EXPR: Record<string, string> = {
  Neg: '-a', Abs: 'abs(a)', Relu: 'max(a, 0)', Add: 'a + b', Sub: 'a - b', Mul: 'a * b',
  Div: 'int_div(a, b)', Maximum: 'max(a, b)', Less: 'select(0, 1, a < b)', Equal: 'select(0, 1, a == b)',
};

/** Compute type and expression of `op` for inputs of `dtype`. */
function exprFor(op: string, dtype: DType): { type: 'f32' | 'i32'; expr: string } {
  if (dtype === 'int32' && INT_EXPR[op]) return { type: 'i32', expr: INT_EXPR[op]! };
  const entry = UNARY_TABLE[op] ?? BINARY_TABLE[op];
  if (!entry) throw new Error(`webgpu: no elementwise entry for ${op}`);
  return { type: 'f32', expr: entry.wgsl };
}

const HELPERS = WGSL_ELEMENTWISE_HELPERS + WGSL_CONVERT;

function unaryProgram(op: string, inType: DType, outType: DType): Program {
  const { type, expr } = exprFor(op, inType);
  const tin = wgslType(inType), tout = wgslType(outType);
  return {
    key: `unary:${op}:${inType}:${outType}`,
    label: `${op} (${inType})`,
    bindings: [{ name: 'x', type: tin, access: 'read' }, { name: 'y', type: tout, access: 'read_write' }],
    uniforms: [{ name: 'size', type: 'u32' }],
    body: () => `${HELPERS}\n${linearMain(WG, `  let a = ${convert('x[idx]', tin, type)};
  y[idx] = ${convert(`(${expr})`, type, tout)};`)}`,
  };
}

function binaryProgram(op: string, inType: DType, outType: DType, rank: number, same: boolean): Program {
  const { type, expr } = exprFor(op, inType);
  const tin = wgslType(inType), tout = wgslType(outType);
  const index = same ? '  let off_sa = idx; let off_sb = idx;' : offsetsFromIndex(rank, 'shape', ['sa', 'sb']);
  return {
    key: `binary:${op}:${inType}:${outType}:${same ? 'same' : rank}`,
    label: `${op} (${inType}, rank ${rank})`,
    bindings: [
      { name: 'xa', type: tin, access: 'read' }, { name: 'xb', type: tin, access: 'read' },
      { name: 'y', type: tout, access: 'read_write' },
    ],
    uniforms: [{ name: 'size', type: 'u32' }, { name: 'shape', type: 'dims' }, { name: 'sa', type: 'dims' }, { name: 'sb', type: 'dims' }],
    body: () => `${HELPERS}\n${linearMain(WG, `${index}
  let a = ${convert('xa[off_sa]', tin, type)};
  let b = ${convert('xb[off_sb]', tin, type)};
  y[idx] = ${convert(`(${expr})`, type, tout)};`)}`,
  };
}

function unaryKernel(name: string): Cfg {
  return {
    name, backend: 'webgpu',
    run: ({ inputs: [x], backend }) => {
      assertGpuDtypes(name, [x!]);
      const out = backend.makeOutput(name, x!.shape, x!.dtype);
      const size = sizeOf(x!.shape);
      runProgram(backend, unaryProgram(name, x!.dtype, x!.dtype), [backend.buffer(x!.dataId), backend.buffer(out.dataId)],
        { size }, { threads: size, wg: WG });
      return [out];
    },
  };
}

/** Runs binary op `op` of `a`, `b` into a new output of `outDtype` (shared with fused helpers). */
export function runBinary(backend: WebGPUBackend, op: string, a: TensorInfo, b: TensorInfo, outDtype: DType): TensorInfo {
  assertGpuDtypes(op, [a, b]);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = backend.makeOutput(op, shape, outDtype);
  const size = sizeOf(shape);
  const same = shapesEqual(a.shape, b.shape);
  runProgram(backend, binaryProgram(op, a.dtype, outDtype, shape.length, same),
    [backend.buffer(a.dataId), backend.buffer(b.dataId), backend.buffer(out.dataId)],
    { size, shape, sa: broadcastStrides(a.shape, shape), sb: broadcastStrides(b.shape, shape) }, { threads: size, wg: WG });
  return out;
}

function binaryKernel(name: string, outDtype?: DType): Cfg {
  return { name, backend: 'webgpu', run: ({ inputs: [a, b], backend }) => [runBinary(backend, name, a!, b!, outDtype ?? a!.dtype)] };
}

function whereProgram(condType: DType, valType: DType, rank: number): Program {
  const tc = wgslType(condType), tv = wgslType(valType);
  const zero = tc === 'f32' ? '0.0' : tc === 'i32' ? '0' : '0u';
  return {
    key: `where:${condType}:${valType}:${rank}`,
    label: `Where (rank ${rank})`,
    bindings: [
      { name: 'xc', type: tc, access: 'read' }, { name: 'xa', type: tv, access: 'read' },
      { name: 'xb', type: tv, access: 'read' }, { name: 'y', type: tv, access: 'read_write' },
    ],
    uniforms: [
      { name: 'size', type: 'u32' }, { name: 'shape', type: 'dims' }, { name: 'sc', type: 'dims' },
      { name: 'sa', type: 'dims' }, { name: 'sb', type: 'dims' },
    ],
    // As on the CPU (`cond ? a : b` in JS), a NaN condition is falsy.
    body: () => linearMain(WG, `${offsetsFromIndex(rank, 'shape', ['sc', 'sa', 'sb'])}
  let c = xc[off_sc];
  y[idx] = select(xb[off_sb], xa[off_sa], ${tc === 'f32' ? 'c != 0.0 && (bitcast<u32>(c) & 0x7fffffffu) <= 0x7f800000u' : `c != ${zero}`});`),
  };
}

const where: Cfg = {
  name: 'Where', backend: 'webgpu',
  run: ({ inputs: [c, a, b], backend }) => {
    assertGpuDtypes('where', [c!, a!, b!]);
    const shape = broadcastShapes('where', broadcastShapes('where', c!.shape, a!.shape), b!.shape);
    const out = backend.makeOutput('Where', shape, a!.dtype);
    const size = sizeOf(shape);
    runProgram(backend, whereProgram(c!.dtype, a!.dtype, shape.length),
      [c!, a!, b!, out].map((t) => backend.buffer(t.dataId)),
      { size, shape, sc: broadcastStrides(c!.shape, shape), sa: broadcastStrides(a!.shape, shape), sb: broadcastStrides(b!.shape, shape) },
      { threads: size, wg: WG });
    return [out];
  },
};

function castProgram(from: DType, to: DType): Program {
  const tin = wgslType(from), tout = wgslType(to);
  return {
    key: `cast:${from}:${to}`,
    label: `Cast ${from}→${to}`,
    bindings: [{ name: 'x', type: tin, access: 'read' }, { name: 'y', type: tout, access: 'read_write' }],
    uniforms: [{ name: 'size', type: 'u32' }],
    body: () => `${WGSL_CONVERT}\n${linearMain(WG, `  y[idx] = ${convert('x[idx]', tin, tout)};`)}`,
  };
}

const cast: Cfg = {
  name: 'Cast', backend: 'webgpu',
  run: ({ inputs: [x], attrs, backend }) => {
    assertGpuDtypes('cast', [x!]);
    const to = (attrs as { dtype: DType }).dtype;
    const out = backend.makeOutput('Cast', x!.shape, to);
    const size = sizeOf(x!.shape);
    runProgram(backend, castProgram(x!.dtype, to), [backend.buffer(x!.dataId), backend.buffer(out.dataId)], { size }, { threads: size, wg: WG });
    return [out];
  },
};

export const elementwiseKernels: Cfg[] = [
  ...UNARY_KERNELS.map(unaryKernel),
  ...BINARY_KERNELS.map((n) => binaryKernel(n)),
  ...COMPARE_KERNELS.map((n) => binaryKernel(n, 'bool')),
  where,
  cast,
];
