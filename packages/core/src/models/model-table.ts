import type { EncodingName } from "../encoder/index.js";

/**
 * Where context windows and output limits in {@link MODEL_LIMITS} come from.
 *
 * @example
 * ```ts
 * console.log(`limits: ${MODEL_TABLE_SOURCE}`);
 * ```
 */
export const MODEL_TABLE_SOURCE = "OpenAI model documentation (platform.openai.com/docs/models), checked 2026-11-28";

export interface ModelLimits {
  contextWindow: number;
  maxOutputTokens: number;
}

/**
 * Context window and max output tokens of current OpenAI models, by exact name or dated snapshot
 * (`resolveModel` also finds other vendors' limits in the generated catalog).
 *
 * @example
 * ```ts
 * MODEL_LIMITS["gpt-4o"]; // { contextWindow: 128000, maxOutputTokens: 16384 }
 * ```
 */
export const MODEL_LIMITS: Record<string, ModelLimits> = {
  "gpt-5": { contextWindow: 400_000, maxOutputTokens: 128_000 },
  "gpt-5-mini": { contextWindow: 400_000, maxOutputTokens: 128_000 },
  "gpt-5-nano": { contextWindow: 400_000, maxOutputTokens: 128_000 },
  "gpt-4.1": { contextWindow: 1_047_576, maxOutputTokens: 32_768 },
  "gpt-4.1-mini": { contextWindow: 1_047_576, maxOutputTokens: 32_768 },
  "gpt-4.1-nano": { contextWindow: 1_047_576, maxOutputTokens: 32_768 },
  "gpt-4o": { contextWindow: 128_000, maxOutputTokens: 16_384 },
  "gpt-4o-mini": { contextWindow: 128_000, maxOutputTokens: 16_384 },
  "chatgpt-4o-latest": { contextWindow: 128_000, maxOutputTokens: 16_384 },
  o1: { contextWindow: 200_000, maxOutputTokens: 100_000 },
  o3: { contextWindow: 200_000, maxOutputTokens: 100_000 },
  "o3-mini": { contextWindow: 200_000, maxOutputTokens: 100_000 },
  "o4-mini": { contextWindow: 200_000, maxOutputTokens: 100_000 },
  "gpt-4-turbo": { contextWindow: 128_000, maxOutputTokens: 4_096 },
  "gpt-4": { contextWindow: 8_192, maxOutputTokens: 8_192 },
  "gpt-4-32k": { contextWindow: 32_768, maxOutputTokens: 8_192 },
  "gpt-3.5-turbo": { contextWindow: 16_385, maxOutputTokens: 4_096 },
  "gpt-3.5-turbo-0301": { contextWindow: 4_096, maxOutputTokens: 4_096 },
  "gpt-3.5-turbo-0613": { contextWindow: 4_096, maxOutputTokens: 4_096 },
  "gpt-oss-120b": { contextWindow: 131_072, maxOutputTokens: 131_072 },
  "gpt-oss-20b": { contextWindow: 131_072, maxOutputTokens: 131_072 },
  "text-embedding-3-small": { contextWindow: 8_191, maxOutputTokens: 0 },
  "text-embedding-3-large": { contextWindow: 8_191, maxOutputTokens: 0 },
  "text-embedding-ada-002": { contextWindow: 8_191, maxOutputTokens: 0 },
};

/** Exact model names, as in tiktoken's `MODEL_TO_ENCODING`. */
export const MODEL_ENCODINGS: Record<string, EncodingName> = {
  "gpt-5": "o200k_base",
  "gpt-4.1": "o200k_base",
  "gpt-4.5": "o200k_base",
  "gpt-4o": "o200k_base",
  o1: "o200k_base",
  o3: "o200k_base",
  "o4-mini": "o200k_base",
  "gpt-4": "cl100k_base",
  "gpt-3.5-turbo": "cl100k_base",
  "gpt-3.5": "cl100k_base",
  "gpt-35-turbo": "cl100k_base",
  "davinci-002": "cl100k_base",
  "babbage-002": "cl100k_base",
  "text-embedding-ada-002": "cl100k_base",
  "text-embedding-3-small": "cl100k_base",
  "text-embedding-3-large": "cl100k_base",
  "text-davinci-003": "p50k_base",
  "text-davinci-002": "p50k_base",
  "code-davinci-002": "p50k_base",
  "text-davinci-edit-001": "p50k_edit",
  "code-davinci-edit-001": "p50k_edit",
  "text-davinci-001": "r50k_base",
  davinci: "r50k_base",
  curie: "r50k_base",
  babbage: "r50k_base",
  ada: "r50k_base",
  gpt2: "gpt2",
};

/** Name prefixes, as in tiktoken's `MODEL_PREFIX_TO_ENCODING`; the longest matching prefix wins. */
export const MODEL_PREFIX_ENCODINGS: Record<string, EncodingName> = {
  "o1-": "o200k_base",
  "o3-": "o200k_base",
  "o4-mini-": "o200k_base",
  "gpt-5-": "o200k_base",
  "gpt-4.5-": "o200k_base",
  "gpt-4.1-": "o200k_base",
  "chatgpt-4o-": "o200k_base",
  "gpt-4o-": "o200k_base",
  "gpt-oss-": "o200k_harmony",
  "gpt-4-": "cl100k_base",
  "gpt-3.5-turbo-": "cl100k_base",
  "gpt-35-turbo-": "cl100k_base",
};

/**
 * Open-weight families by the normalised name (`normalizeModelName`: `meta-llama/Llama-3.1-8B-Instruct`
 * -> `llama-3.1-8b`). Patterns, not prefixes: `llama-3.1` is Llama 3.1 but `llama-30b` is not; the
 * first match wins. Llama 3.1, 3.2 and 3.3 share 3.1's tokens and template; Llama 3 (3.0) has its own.
 * Mistral NeMo (`open-mistral-nemo-2407`, `mistral-nemo:12b`) alone has NeMo's Tekken and template:
 * Mistral 7B, Mixtral and Codestral use SentencePiece vocabularies, and Ministral, Pixtral and
 * Mistral Small 3 other Tekken releases and templates, so none of them is matched here.
 */
export const OPEN_WEIGHT_FAMILIES: ReadonlyArray<readonly [RegExp, EncodingName]> = [
  [/^llama-3\.[1-9]/, "llama3_1"],
  [/^llama-3(?:[.-]|$)/, "llama3"],
  [/^qwen(?:2|3|-)/, "qwen3"],
  [/^deepseek-(?:v3|r1|chat|reasoner)(?:[.-]|$)/, "deepseek_v3"],
  [/^gemma-?3(?:[.-]|$)/, "gemma3"],
  [/^(?:open-)?mistral-nemo(?:[.-]|$)/, "mistral_nemo"],
];
