/**
 * A model file or its metadata that cannot be read, with what is wrong (thrown by `decodeModel` and
 * `readTokenizerSettings` for outside data, never a raw TypeError/RangeError).
 *
 * @example
 * try { decodeModel(bytes); } catch (e) { if (e instanceof OnnxFormatError) console.error(e.message); }
 */
export class OnnxFormatError extends Error {
  override name = 'OnnxFormatError';
}
