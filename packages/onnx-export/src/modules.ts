/** What the exporter reads from Recur modules: parameters in host memory, recurrent layer settings. */
import type { Module, RecurrentBase } from '@recur/recurrent';
import type { Tensor } from '@recur/tensor';
import type { HostTensor } from './graph/builder.js';
import type { RecurrentSpec } from './graph/recurrent.js';

/** One tensor's values as float32/int32 host data (float64 is narrowed to float32). */
export async function hostTensor(t: Tensor): Promise<HostTensor> {
  const data = await t.data();
  if (data instanceof Float32Array || data instanceof Int32Array) return { shape: [...t.shape], data };
  if (data instanceof Float64Array) return { shape: [...t.shape], data: Float32Array.from(data) };
  throw new Error(`hostTensor: ${t.dtype} tensor ${JSON.stringify(t.shape)} cannot become an ONNX initializer (float32/int32 only)`);
}

/**
 * Every parameter of `model` by its PyTorch state_dict key, copied to host memory.
 *
 * @example
 * const w = await hostWeights(lstm); // { weight_ih_l0: { shape: [4H, I], data: Float32Array }, … }
 */
export async function hostWeights(model: Module | Record<string, Tensor>): Promise<Record<string, HostTensor>> {
  const dict = typeof (model as Module).stateDict === 'function' ? (model as Module).stateDict() : (model as Record<string, Tensor>);
  const out: Record<string, HostTensor> = {};
  for (const [k, t] of Object.entries(dict)) out[k] = await hostTensor(t);
  return out;
}

/** The exportable description of a recurrent module. */
export function recurrentSpec(m: RecurrentBase): RecurrentSpec {
  // RecurrentBase keeps `nonlinearity` protected; it is a plain runtime field, read here for RNNs.
  const nl = (m as unknown as { nonlinearity?: 'tanh' | 'relu' }).nonlinearity ?? 'tanh';
  return { mode: m.mode, inputSize: m.inputSize, hiddenSize: m.hiddenSize, numLayers: m.numLayers, bidirectional: m.bidirectional, bias: m.bias, nonlinearity: nl };
}
