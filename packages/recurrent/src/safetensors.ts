/**
 * The safetensors format, implemented here (no dependency): an 8-byte little-endian header length,
 * a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}`
 * padded with spaces to a multiple of 8, then the raw little-endian data. Files written here load
 * in PyTorch (`load_state_dict(safetensors.torch.load_file(path))`) and files PyTorch writes load here.
 */
import { formatShape, tensor, type DType, type Tensor } from '@recur/tensor';

const WRITE_DTYPE: Record<DType, string | undefined> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' } as Record<DType, string | undefined>;
const READ_BYTES: Record<string, number> = { F32: 4, F64: 8, I32: 4, BOOL: 1, I64: 8, F16: 2, BF16: 2 };

export interface ParsedSafetensors {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

interface Entry { dtype: string; shape: number[]; data_offsets: [number, number] }

/** A file that is not valid safetensors; the message (`readSafetensors: …`) names the tensor and the problem. */
export class SafetensorsFormatError extends Error {
  constructor(reason: string) {
    super(`readSafetensors: ${reason}`);
    this.name = 'SafetensorsFormatError';
  }
}

/**
 * Parses a safetensors file into tensors (F32, F64, I32, BOOL as is; I64 → int32 when in range;
 * F16/BF16 → float32) and its `__metadata__`. Errors name the tensor and what is wrong.
 *
 * @example
 * const { tensors, metadata } = parseSafetensors(bytes);
 */
export function parseSafetensors(bytes: Uint8Array): ParsedSafetensors {
  const fail = (msg: string): never => { throw new SafetensorsFormatError(msg); };
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8) fail(`header length ${n} exceeds the file (${bytes.length} bytes); not a safetensors file?`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    return fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fail('the header is not a JSON object');
  const base = 8 + n, dataLen = bytes.length - base;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors: Record<string, Tensor> = {};
  try {
    for (const [name, raw] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const e = raw as Entry;
      const width = typeof e?.dtype === 'string' && Object.hasOwn(READ_BYTES, e.dtype) ? READ_BYTES[e.dtype] : undefined;
      if (!width) fail(`'${name}' has unsupported dtype ${JSON.stringify(e?.dtype)}`);
      if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`'${name}' has a bad shape ${JSON.stringify(e.shape)}`);
      const [a, b] = Array.isArray(e.data_offsets) ? e.data_offsets : [NaN, NaN];
      const size = e.shape.reduce((x, y) => x * y, 1);
      if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b <= dataLen && b - a === size * width!)) {
        fail(`'${name}' ${e.dtype} ${formatShape(e.shape)} needs ${size * width!} bytes but data_offsets are ${JSON.stringify(e.data_offsets)} (data section ${dataLen} bytes)`);
      }
      // defineProperty: a tensor named `__proto__` stays a tensor instead of replacing the prototype.
      Object.defineProperty(tensors, name, { value: decode(name, e.dtype, e.shape, bytes.slice(base + a, base + b), fail), enumerable: true, writable: true, configurable: true });
    }
  } catch (err) {
    for (const t of Object.values(tensors)) t.dispose();
    throw err;
  }
  return { tensors, metadata };
}

function decode(name: string, dtype: string, shape: number[], raw: Uint8Array, fail: (m: string) => never): Tensor {
  const buf = raw.buffer; // a fresh, aligned copy
  switch (dtype) {
    case 'F32': return tensor(new Float32Array(buf), shape, 'float32');
    case 'F64': return tensor(new Float64Array(buf), shape, 'float64');
    case 'I32': return tensor(new Int32Array(buf), shape, 'int32');
    case 'BOOL': return tensor(Uint8Array.from(raw, (v) => (v ? 1 : 0)), shape, 'bool');
    case 'I64': {
      const src = new BigInt64Array(buf), out = new Int32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i]!;
        if (v > 2147483647n || v < -2147483648n) fail(`'${name}' I64 value ${v} at ${i} does not fit int32`);
        out[i] = Number(v);
      }
      return tensor(out, shape, 'int32');
    }
    default: { // F16 / BF16 → float32
      const src = new Uint16Array(buf), out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = dtype === 'BF16' ? bf16(src[i]!) : f16(src[i]!);
      return tensor(out, shape, 'float32');
    }
  }
}

function bf16(h: number): number {
  return new Float32Array(new Uint32Array([h << 16]).buffer)[0]!;
}

function f16(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/**
 * Tensors by name from a safetensors file — what `module.loadStateDict` takes. Dispose them after.
 *
 * @example
 * const sd = readSafetensors(bytes);
 * model.loadStateDict(sd);
 * dispose(sd);
 */
export function readSafetensors(bytes: Uint8Array): Record<string, Tensor> {
  return parseSafetensors(bytes).tensors;
}

/**
 * Serialises tensors (float32, float64, int32, bool) with optional string metadata. Async because
 * reading a tensor is (WebGPU). Names keep their order; PyTorch's `state_dict` names load there as is.
 *
 * @example
 * const bytes = await writeSafetensors(model.stateDict(), { format: 'pt' });
 */
export async function writeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Promise<Uint8Array> {
  const header: Record<string, unknown> = {};
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new Error(`writeSafetensors: metadata '${k}' must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  const blobs: Uint8Array[] = [];
  let off = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new Error("writeSafetensors: '__metadata__' is reserved and cannot name a tensor");
    const dt = WRITE_DTYPE[t.dtype];
    if (!dt) throw new Error(`writeSafetensors: '${name}' has dtype ${t.dtype}, which safetensors cannot hold here`);
    const data = await t.data();
    const b = dt === 'BOOL' ? Uint8Array.from(data as ArrayLike<number>, (v) => (v ? 1 : 0)) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype: dt, shape: [...t.shape], data_offsets: [off, off + b.length] };
    blobs.push(b);
    off += b.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const b of blobs) {
    out.set(b, pos);
    pos += b.length;
  }
  return out;
}
