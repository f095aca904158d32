import { catalogPrices, MODEL_CATALOG_SOURCE } from "./model-catalog.js";
import type { ModelPrice } from "./model-types.js";

const perMillion = (input: number, cachedInput: number | undefined, output: number): ModelPrice => ({
  input_cost_per_token: input / 1e6,
  output_cost_per_token: output / 1e6,
  ...(cachedInput === undefined ? {} : { cache_read_input_token_cost: cachedInput / 1e6 }),
});

/**
 * Where the default prices come from and when they were copied.
 *
 * @example
 * ```ts
 * console.log(`prices: ${PRICING_SOURCE}`);
 * ```
 */
export const PRICING_SOURCE = `OpenAI API pricing, standard tier (platform.openai.com/docs/pricing), as known on 2025-08-15; other models: ${MODEL_CATALOG_SOURCE}`;

/**
 * Default prices, USD per token: the generated catalog's (Anthropic, Google, Meta, Mistral,
 * Qwen, DeepSeek, xAI and OpenAI models, by normalised name) with OpenAI's dated table over
 * them. A dated or routed name
 * (`gpt-4o-2024-08-06`, `openrouter/openai/gpt-4o`) takes the price of its longest listed
 * prefix, found as `resolveModel` finds limits. Override or extend with the handler's
 * `pricing` option.
 *
 * @example
 * ```ts
 * new TokenLedgerHandler({ pricing: { ...DEFAULT_PRICING, "my-model": { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } } });
 * ```
 */
export const DEFAULT_PRICING: Readonly<Record<string, ModelPrice>> = {
  ...catalogPrices(),
  "gpt-5": perMillion(1.25, 0.125, 10),
  "gpt-5-mini": perMillion(0.25, 0.025, 2),
  "gpt-5-nano": perMillion(0.05, 0.005, 0.4),
  "gpt-4.1": perMillion(2, 0.5, 8),
  "gpt-4.1-mini": perMillion(0.4, 0.1, 1.6),
  "gpt-4.1-nano": perMillion(0.1, 0.025, 0.4),
  "gpt-4o": perMillion(2.5, 1.25, 10),
  "gpt-4o-mini": perMillion(0.15, 0.075, 0.6),
  o1: perMillion(15, 7.5, 60),
  o3: perMillion(2, 0.5, 8),
  "o3-mini": perMillion(1.1, 0.55, 4.4),
  "o4-mini": perMillion(1.1, 0.275, 4.4),
  "gpt-4-turbo": perMillion(10, undefined, 30),
  "gpt-4": perMillion(30, undefined, 60),
  "gpt-3.5-turbo": perMillion(0.5, undefined, 1.5),
};
