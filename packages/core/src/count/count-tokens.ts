import type { EncodingName } from "../encoder/index.js";
import { isEncodingName } from "../encoder/index.js";
import { loadedEncoder } from "../loader/index.js";
import { DEFAULT_MODEL, resolveModelForCount } from "../models/index.js";

export interface CountOptions {
  /** A model name, resolved with `resolveModel` (unknown names use the fallback encoding). */
  model?: string;
  /** An encoding; wins over `model`. */
  encoding?: EncodingName;
}

/** The encoding the options name; options that throw when read give the default model's. */
export function encodingFromOptions(opts: CountOptions | undefined): EncodingName {
  try {
    const encoding = opts?.encoding;
    if (encoding !== undefined && isEncodingName(encoding)) return encoding;
    return resolveModelForCount(opts?.model ?? DEFAULT_MODEL).encoding;
  } catch {
    return resolveModelForCount(DEFAULT_MODEL).encoding;
  }
}

/**
 * Counts the tokens of a text exactly as OpenAI's tiktoken does. Special-token strings
 * (`<|endoftext|>`) count as plain text. Never throws: a non-string counts as 0.
 * Default model: gpt-4o (o200k_base).
 *
 * @example
 * ```ts
 * countTokens("人工智能");                          // 2
 * countTokens("人工智能", { model: "gpt-4" });      // 5
 * countTokens("hello", { encoding: "cl100k_base" }); // 1
 * ```
 */
export function countTokens(text: string, opts?: CountOptions): number {
  if (typeof text !== "string" || text.length === 0) return 0;
  return loadedEncoder(encodingFromOptions(opts)).count(text);
}
