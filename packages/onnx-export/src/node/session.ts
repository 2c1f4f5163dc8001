/**
 * onnxruntime-node sessions with an execution-provider choice. onnxruntime-node 1.30 *throws* when
 * the CUDA provider libraries are absent (no silent fallback, TOOLCHAIN.md §5), and the WebGPU
 * provider throws without a Vulkan adapter, so both are tried and, on failure, the session is made
 * again on the CPU with a one-line note saying why.
 */
import type * as ort from 'onnxruntime-node';

let ortModule: typeof ort | undefined;

/**
 * Loads onnxruntime-node, an optional peer dependency (a native runtime of about 245 MB that exporting
 * does not need), on first use. When it is not installed the error names the package to install.
 */
export async function loadOnnxRuntime(): Promise<typeof ort> {
  if (ortModule) return ortModule;
  try {
    ortModule = (await import('onnxruntime-node')) as typeof ort;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((e as Error).message).includes("'onnxruntime-node'")) {
      throw new Error("@recur/onnx-export/node: running, verifying or serving an ONNX model needs the optional peer dependency 'onnxruntime-node'; install it next to @recur/onnx-export (npm install onnxruntime-node)");
    }
    throw e;
  }
  return ortModule;
}

export type Provider = 'cpu' | 'cuda' | 'webgpu';

export interface CreateSessionOptions {
  /** Default 'cpu'. */
  provider?: Provider;
  /** Extra session options (executionProviders is set from `provider`). */
  sessionOptions?: Omit<ort.InferenceSession.SessionOptions, 'executionProviders'>;
  /**
   * onnxruntime's process-wide log level, applied once, before the first session of the process
   * (ORT reads it only then). Default 'fatal' when a GPU provider is requested, so a missing CUDA
   * library costs one line (the fallback note) instead of ORT's native error dump; else 'warning'.
   * When given, it is also the session's log severity ('verbose' prints node placements).
   */
  logLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
}

export interface SessionHandle {
  session: ort.InferenceSession;
  /** The provider actually used. */
  provider: Provider;
  /** One line, set when the requested provider could not be used and the CPU runs instead. */
  fallbackNote?: string;
}

const HOW_TO: Record<Exclude<Provider, 'cpu'>, string> = {
  cuda: 'install the CUDA provider with `ONNXRUNTIME_NODE_INSTALL=cuda12` and onnxruntime-node\'s install script allowed (see @recur/onnx-export README)',
  webgpu: 'a WebGPU/Vulkan adapter is needed (e.g. VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json for SwiftShader)',
};

let ortStarted = false;
const SEVERITY = { verbose: 0, info: 1, warning: 2, error: 3, fatal: 4 } as const;

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!.trim();
}

/**
 * Opens a model on the requested execution provider, falling back to the CPU with a note.
 *
 * @example
 * const { session, provider, fallbackNote } = await createSession('model.onnx', { provider: 'cuda' });
 * if (fallbackNote) console.warn(fallbackNote); // "CUDA execution provider unavailable (…); running on CPU. …"
 */
export async function createSession(model: string | Uint8Array, opts: CreateSessionOptions = {}): Promise<SessionHandle> {
  const provider = opts.provider ?? 'cpu';
  if (!['cpu', 'cuda', 'webgpu'].includes(provider)) throw new Error(`createSession: unknown provider '${provider}' (use cpu, cuda or webgpu)`);
  const ort = await loadOnnxRuntime();
  if (!ortStarted) {
    ort.env.logLevel = opts.logLevel ?? (provider === 'cpu' ? 'warning' : 'fatal');
    ortStarted = true;
  }
  const make = (eps: string[]) => {
    const severity = opts.logLevel ? { logSeverityLevel: SEVERITY[opts.logLevel] } : {};
    const options = { ...severity, ...opts.sessionOptions, executionProviders: eps };
    return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
  };
  if (provider === 'cpu') return { session: await make(['cpu']), provider };
  try {
    return { session: await make([provider, 'cpu']), provider };
  } catch (e) {
    const label = provider === 'cuda' ? 'CUDA' : 'WebGPU';
    const fallbackNote = `${label} execution provider unavailable (${firstLine(e)}); running on CPU. To use it, ${HOW_TO[provider]}.`;
    return { session: await make(['cpu']), provider: 'cpu', fallbackNote };
  }
}

/** Plain host data for one ORT input. */
export interface FeedValue { data: Float32Array | Int32Array; dims: readonly number[] }

/**
 * Runs a session on host arrays and returns every output as float32 data with dims.
 *
 * @example
 * const out = await runSession(session, { input: { data: x, dims: [T, B, I] }, lengths: { data: lens, dims: [B] } });
 */
export async function runSession(session: ort.InferenceSession, feeds: Record<string, FeedValue>): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  const ort = await loadOnnxRuntime();
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) {
    ortFeeds[k] = new ort.Tensor(v.data instanceof Int32Array ? 'int32' : 'float32', v.data, v.dims);
  }
  const res = await session.run(ortFeeds);
  const out: Record<string, { data: Float32Array; dims: number[] }> = {};
  for (const [k, t] of Object.entries(res)) {
    out[k] = { data: t.data as Float32Array, dims: [...t.dims] };
    t.dispose?.();
  }
  return out;
}
