/**
 * How the WebGPU matmul covers a product: the register block each thread computes, the workgroup
 * tile, which operands load as `vec4`, and whether K is split across workgroups. Chosen per call from
 * the shape and the device limits; every field that changes the WGSL is part of the pipeline key.
 *
 * Each thread owns `rm` rows × 4 columns of C (one `vec4` accumulator per row); a workgroup of
 * `tx × ty` threads covers a `bm = ty·rm` by `bn = 4·tx` tile, and stages `bk`-deep slices of A and B
 * in workgroup memory.
 */
import type { WebGPUBackendLimits } from '../backend.js';

export const BK = 16;

export interface MatmulTiling {
  /** Shape class, for labels, stats and tests: 'row' (M ≤ 4), 'skinny' (M ≤ 32), 'square', 'large'. */
  kind: 'row' | 'skinny' | 'square' | 'large' | 'small-device';
  tx: number;
  ty: number;
  /** Rows per thread (columns per thread are always 4). */
  rm: number;
  bm: number;
  bn: number;
  /** A, B, C bound as `array<vec4<T>>` (the contiguous dimension is a multiple of 4). */
  vecA: boolean;
  vecB: boolean;
  vecC: boolean;
  /** K is cut into `splits` slices of `kChunk` (a multiple of BK); partial products are summed after. */
  splits: number;
  kChunk: number;
}

export interface MatmulDims { batch: number; m: number; k: number; n: number; transposeA: boolean; transposeB: boolean }

/** Workgroup memory of a tile in bytes (A slice bm×BK plus B slice BK×bn, 4-byte elements). */
export const tileBytes = (bm: number, bn: number) => (bm + bn) * BK * 4;

/**
 * Picks the tiling for one product.
 * - M ≤ 4 (one sequence step at batch 1–4: B×H · H×4H): a 1-row-tall strip, 64 threads × 4 columns.
 * - M ≤ 32 (a recurrent step at batch ≤ 32): 16 or 32 rows × 64 columns, 4×4 per thread.
 * - otherwise 64×64 tiles of 4×4 blocks (256 threads), or 128×64 with 8×4 blocks for large products,
 *   when the device allows 256 threads and the workgroup memory; else 32×32 with 64 threads.
 * - K is split when the output has few tiles but K is long (the weight-gradient products
 *   Xᵀ·dZ over all T·B rows), so more workgroups share the work; a second pass sums the slices.
 */
export function chooseTiling(d: MatmulDims, limits: WebGPUBackendLimits): MatmulTiling {
  const threads = limits.maxComputeInvocationsPerWorkgroup;
  const mem = limits.maxComputeWorkgroupStorageSize;
  let t: Pick<MatmulTiling, 'kind' | 'tx' | 'ty' | 'rm'>;
  if (threads < 64 || mem < tileBytes(32, 32)) t = { kind: 'small-device', tx: 4, ty: 4, rm: 2 };
  else if (d.m <= 4) t = { kind: 'row', tx: 64, ty: 1, rm: d.m <= 1 ? 1 : d.m <= 2 ? 2 : 4 };
  else if (d.m <= 32) t = { kind: 'skinny', tx: 16, ty: d.m <= 16 ? 4 : 8, rm: 4 };
  else if (threads >= 256 && mem >= tileBytes(128, 64) && d.m >= 512 && d.n >= 256) t = { kind: 'large', tx: 16, ty: 16, rm: 8 };
  else if (threads >= 256 && mem >= tileBytes(64, 64)) t = { kind: 'square', tx: 16, ty: 16, rm: 4 };
  else t = { kind: 'small-device', tx: 8, ty: 8, rm: 4 };
  const bm = t.ty * t.rm, bn = 4 * t.tx;
  // vec4 loads need the contiguous dimension to be a multiple of 4 (and, along M, a tile edge on a
  // multiple of 4), so that a vec4 is either wholly inside the matrix or wholly outside it.
  const vecA = d.transposeA ? d.m % 4 === 0 && bm % 4 === 0 : d.k % 4 === 0;
  const vecB = d.transposeB ? d.k % 4 === 0 : d.n % 4 === 0;
  const vecC = d.n % 4 === 0;
  const tiles = Math.ceil(d.m / bm) * Math.ceil(d.n / bn) * d.batch;
  let splits = 1;
  if (tiles < 64 && d.k >= 1024) splits = Math.min(Math.ceil(d.k / 256), Math.ceil(128 / tiles), 16);
  const kChunk = Math.max(BK, Math.ceil(Math.ceil(d.k / splits) / BK) * BK);
  splits = Math.max(1, Math.ceil(d.k / kChunk));
  return { ...t, bm, bn, vecA, vecB, vecC, splits, kChunk };
}
