/**
 * Packed right-hand operands reused across calls. Inference runs the same weights again and again
 * (a CPU tensor's storage never changes), so the second time one storage is packed in a given
 * layout its packed form is kept in the kernel memory itself — a block outside the call's
 * temporaries, freed once the storage is garbage-collected — and later calls read it in place:
 * no packing (W3 at batch 1 spent 10 % of its time packing) and no copy in (a copy of W_hh, W_ih
 * and the head per batch-1 forward was another ~4 %). Storage seen once, like every training
 * step's fresh weights, is packed into a temporary and never kept.
 */
import type { WasmRuntime } from './runtime.js';

interface Entry { p: number; max: number }
type Layouts = Map<string, Entry | null>;

const caches = new WeakMap<WasmRuntime, WeakMap<object, Layouts>>();
// Blocks of a storage that is gone are freed in its runtime's heap (the held value must not
// reference the storage itself, or it would never be collected).
const collected = new FinalizationRegistry<{ rt: WasmRuntime; layouts: Layouts }>(({ rt, layouts }) => {
  for (const e of layouts.values()) if (e) rt.heap.free(e.p);
});

/**
 * Arena pointer to `floats` packed floats for storage `id` in `layout`, made by `pack(dst)` (which
 * returns the operand's largest magnitude, kept with the block) or kept from an earlier call. The
 * block is read-only for the caller and must not be freed by it.
 */
export function packedOperand(
  rt: WasmRuntime, id: object, layout: string, floats: number, pack: (dst: number) => number,
): { p: number; max: number } {
  let byId = caches.get(rt);
  if (!byId) caches.set(rt, (byId = new WeakMap()));
  let layouts = byId.get(id);
  const hit = layouts?.get(layout);
  if (hit) return hit;
  if (!layouts) {
    byId.set(id, (layouts = new Map()));
    collected.register(id, { rt, layouts });
  }
  // Second sighting: a kept block, if the memory has room; else (and the first time) a temporary.
  const kept = hit === null ? rt.heap.tryAlloc(floats * 4) : null;
  const p = kept ?? rt.alloc(floats);
  const max = pack(p);
  layouts.set(layout, kept === null ? null : { p: kept, max });
  return { p, max };
}
