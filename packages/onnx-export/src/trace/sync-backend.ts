/**
 * The tracer reads constants the moment a kernel uses them, which needs a backend with
 * synchronous reads (the CPU). A model that lives on an asynchronous backend (WebGPU) is moved to
 * the CPU for the trace — its parameters re-created there from the host copies the export already
 * holds — and moved back afterwards, with the same values, on its own backend.
 */
import type { Module } from '@recur/recurrent';
import { getBackend, setBackend, tensor, Tensor } from '@recur/tensor';
import type { HostTensor } from '../graph/builder.js';
import { rebuildArgs, flattenInputs, type ForwardArg } from './io.js';

/** A move of a model to the CPU backend; `restore` puts it back. */
export interface SyncBackendMove {
  moved: boolean;
  restore(): void;
}

/** Moves `model` to the CPU if the active backend cannot read synchronously (no-op otherwise). */
export function toSyncBackend(model: Module, weights: Record<string, HostTensor>): SyncBackendMove {
  const active = getBackend();
  if (active.readSync) return { moved: false, restore: () => undefined };
  const params = model.namedParameters();
  const place = () => {
    for (const [k, p] of params) {
      const w = weights[k];
      if (!w) throw new Error(`exportOnnx: parameter '${k}' has no host copy`);
      p.assign(tensor(w.data as Float32Array | Int32Array, w.shape, p.value.dtype));
    }
  };
  setBackend('cpu');
  try {
    place();
  } catch (e) {
    setBackend(active);
    throw e;
  }
  return {
    moved: true,
    restore: () => {
      setBackend(active);
      place();
    },
  };
}

/**
 * Forward arguments whose tensors live on the active backend: tensors from another backend are
 * copied (the copies are listed in `owned`, for the caller to dispose).
 */
export async function argsOnActiveBackend(op: string, args: readonly ForwardArg[]): Promise<{ args: ForwardArg[]; owned: Tensor[] }> {
  const flat = flattenInputs(op, args);
  const active = getBackend();
  const owned: Tensor[] = [];
  const leaves = [];
  for (const f of flat) {
    if (f.leaf instanceof Tensor && f.leaf.backend !== active) {
      const copy = tensor(await f.leaf.data(), f.leaf.shape, f.leaf.dtype);
      owned.push(copy);
      leaves.push(copy);
    } else leaves.push(f.leaf);
  }
  return { args: owned.length ? rebuildArgs(args, flat, leaves) : [...args], owned };
}
