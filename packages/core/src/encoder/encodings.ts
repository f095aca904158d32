import type { PatternName } from "./hand-pre-tokenizer.js";

/** OpenAI's tiktoken encodings. */
export type OpenAIEncodingName = "o200k_base" | "o200k_harmony" | "cl100k_base" | "p50k_base" | "p50k_edit" | "r50k_base" | "gpt2";
/** Open-weight models' Hugging Face tokenizers; their data loads on demand (see `loadEncoding`). */
export type OpenWeightEncodingName = "llama3" | "llama3_1" | "qwen3" | "deepseek_v3" | "gemma3" | "mistral_nemo";
/** The encodings tokenledger can count with. */
export type EncodingName = OpenAIEncodingName | OpenWeightEncodingName;

/** What `createEncoder` builds a tiktoken-style encoder from: the rank file, the split pattern and the special tokens. */
export interface EncodingSpec {
  ranks: { bpe_ranks: string; special_tokens: Record<string, number> };
  pattern: PatternName;
  /** Called once, when the encoder is built (gpt-oss's table of reserved tokens is not built before). */
  specialTokens: () => Record<string, number>;
}

export const OPENAI_ENCODING_NAMES: readonly OpenAIEncodingName[] = [
  "o200k_base",
  "o200k_harmony",
  "cl100k_base",
  "p50k_base",
  "p50k_edit",
  "r50k_base",
  "gpt2",
];
export const OPEN_WEIGHT_ENCODING_NAMES: readonly OpenWeightEncodingName[] = [
  "llama3",
  "llama3_1",
  "qwen3",
  "deepseek_v3",
  "gemma3",
  "mistral_nemo",
];
/**
 * Every encoding name `getEncoder` knows; an encoding's data must be loaded before use (the main entry loads OpenAI's).
 *
 * @example
 * ```ts
 * for (const name of ENCODING_NAMES) console.log(name, (await loadEncoding(name)).count("hello"));
 * ```
 */
export const ENCODING_NAMES: EncodingName[] = [...OPENAI_ENCODING_NAMES, ...OPEN_WEIGHT_ENCODING_NAMES];

export function isEncodingName(name: unknown): name is EncodingName {
  return typeof name === "string" && (ENCODING_NAMES as string[]).includes(name);
}

export function isOpenWeightEncoding(name: EncodingName): name is OpenWeightEncodingName {
  return (OPEN_WEIGHT_ENCODING_NAMES as string[]).includes(name);
}
