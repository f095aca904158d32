import type { EncodingName } from "../encoder/index.js";

/**
 * How chat messages are framed for the model:
 * - `openai`: 3 tokens per message, +1 per `name`, replies primed with 3 (OpenAI cookbook).
 * - `openai-0301`: gpt-3.5-turbo-0301's 4 per message and -1 per `name`.
 * - `harmony`: gpt-oss; counted by the `openai` rule and flagged approximate.
 * - `template`: open-weight models (Llama 3, Qwen, DeepSeek, Gemma): the model's own chat template, rendered.
 * - `plain`: models outside OpenAI's formats; message contents joined with a newline, flagged approximate.
 */
export type ChatFormat = "openai" | "openai-0301" | "harmony" | "template" | "plain";

/** What `resolveModel` knows about a model name. */
export interface ModelInfo {
  /** The name as given (trimmed). */
  model: string;
  encoding: EncodingName;
  /** false when the name matched nothing and the fallback encoding was used. */
  known: boolean;
  chatFormat: ChatFormat;
  /** Undefined when unknown: never a guess. */
  contextWindow?: number;
  maxOutputTokens?: number;
  /**
   * Where the limits came from: the dated OpenAI table, the generated catalog (`MODEL_CATALOG_SOURCE`),
   * the provider's own page or config.json where its numbers won over the catalog's, or `registerModel`.
   */
  source?: string;
  /** Who lists the entry the limits came from (`openai`, `anthropic`, `google`, `groq`, `amazon-bedrock`...), when a catalog entry did. */
  provider?: string;
}

/** A model as `registerModel` takes it. */
export interface ModelSpec {
  /** A name prefix, or a RegExp tested against the whole name. */
  match: string | RegExp;
  encoding?: EncodingName;
  contextWindow?: number;
  maxOutputTokens?: number;
  chatFormat?: ChatFormat;
  /** The model's price, USD per token; checked as `compilePricing` checks prices. `findPrice` and `inputCostUsd` use it. */
  price?: ModelPrice;
}

/** A price entry in LiteLLM's shape: US dollars per token. */
export interface ModelPrice {
  input_cost_per_token: number;
  output_cost_per_token: number;
  /** Price of an input token read from the provider's prompt cache; default: the input price. */
  cache_read_input_token_cost?: number;
}
