import type { EncodingName } from "../encoder/index.js";
import type { ChatFormat } from "./model-types.js";

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

/**
 * Name prefixes, as in tiktoken's `MODEL_PREFIX_TO_ENCODING`; the longest matching prefix wins.
 * `gpt-5.` covers every GPT-5 point release (`gpt-5.1`, `gpt-5.1-codex`, `gpt-5.2`), all on o200k_base.
 */
export const MODEL_PREFIX_ENCODINGS: Record<string, EncodingName> = {
  "o1-": "o200k_base",
  "o3-": "o200k_base",
  "o4-mini-": "o200k_base",
  "gpt-5-": "o200k_base",
  "gpt-5.": "o200k_base",
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
 * -> `llama-3.1-8b`), with the chat format to count them by. Patterns, not prefixes: `llama-3.1` is
 * Llama 3.1 but `llama-30b` is not; the first match wins. `template` (exact) only where both the
 * vocabulary and the chat template are the family's; where only the vocabulary is (a model built on
 * another family's tokenizer with a template of its own), the family's encoding with `plain`: an
 * estimate, flagged approximate, never an exact-looking wrong count.
 *
 * - Llama 3.1, 3.2 and 3.3 share 3.1's tokens and template; Llama 3 (3.0) has its own. Llama Guard 3
 *   (Llama 3.1 based) has 3.1's vocabulary and a moderation prompt of its own.
 * - DeepSeek-R1's distills keep their base model's vocabulary (Qwen 2.5's for `-qwen-`, Llama 3.1's
 *   for `-llama-8b`, Llama 3.3's for `-llama-70b`) with DeepSeek's template: approximate. Ollama's
 *   `deepseek-r1:1.5b/7b/14b/32b/70b` are those distills; `deepseek-r1:8b` changed base (Llama 3.1,
 *   then Qwen3 for R1-0528), so it is left unknown.
 * - Qwen 2, 2.5 and QwQ share Qwen3's byte-level BPE vocabulary but not its chat template: approximate.
 * - DeepSeek V3.1 and V3.2 keep V3's vocabulary; their templates (thinking modes) are not V3's: approximate.
 * - Gemini 2.x uses Gemma 3's tokenizer (Gemma 3 technical report: the same as Gemini 2.0's); its
 *   framing is not published: approximate. While `gemma3`'s data is not loaded, counting falls back.
 * - Mistral NeMo (`open-mistral-nemo-2407`, `mistral-nemo:12b`) alone has NeMo's Tekken and template:
 *   Mistral 7B, Mixtral and Codestral use SentencePiece vocabularies, and Ministral, Pixtral and
 *   Mistral Small 3 other Tekken releases and templates, so none of them is matched here.
 */
export const OPEN_WEIGHT_FAMILIES: ReadonlyArray<readonly [RegExp, EncodingName | null, ChatFormat]> = [
  [/^deepseek-r1-distill-qwen-|^deepseek-r1-(?:1\.5b|7b|14b|32b)$/, "qwen3", "plain"],
  [/^deepseek-r1-distill-llama-|^deepseek-r1-70b$/, "llama3_1", "plain"],
  [/^deepseek-r1-8b$/, null, "plain"],
  [/^llama-guard-3(?:[.-]|$)/, "llama3_1", "plain"],
  [/^llama-3\.[1-9]/, "llama3_1", "template"],
  [/^llama-3(?:[.-]|$)/, "llama3", "template"],
  [/^qwen3(?:[.-]|$)/, "qwen3", "template"],
  [/^(?:qwen-)?qwq(?:[.-]|$)|^qwen(?:2|-)/, "qwen3", "plain"],
  [/^deepseek-(?:chat-)?v3\.\d/, "deepseek_v3", "plain"],
  [/^deepseek-(?:v3|r1|chat|reasoner)(?:[.-]|$)/, "deepseek_v3", "template"],
  [/^gemma-?3(?:[.-]|$)/, "gemma3", "template"],
  [/^gemini-2(?:[.-]|$)/, "gemma3", "plain"],
  [/^(?:open-)?mistral-nemo(?:[.-]|$)/, "mistral_nemo", "template"],
];
