import { longestPrefix } from "./longest-prefix.js";
import { catalogPrices, MODEL_CATALOG_SOURCE } from "./model-catalog.js";
import { normalizeModelName } from "./normalize-model-name.js";

/** A price entry in LiteLLM's shape: US dollars per token. */
export interface ModelPrice {
  input_cost_per_token: number;
  output_cost_per_token: number;
  /** Price of an input token read from the provider's prompt cache; default: the input price. */
  cache_read_input_token_cost?: number;
}

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

/** Prices as integer picodollars per token, so that sums of many calls never drift. */
export interface PicoPrice {
  input: bigint;
  cachedInput: bigint;
  output: bigint;
}

const PICO_PER_USD = 1e12;

const toPico = (usd: number) => BigInt(Math.round(usd * PICO_PER_USD));

/**
 * The default prices with `overrides` over them, as picodollars per token by model name.
 * Entries without a finite input and output price are left out.
 *
 * @example
 * ```ts
 * const table = compilePricing({ "my-model": { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } });
 * findPrice(table, "my-model-v2")?.input; // 1000000n
 * ```
 */
export function compilePricing(overrides: Record<string, ModelPrice> = {}): Map<string, PicoPrice> {
  const table = new Map<string, PicoPrice>();
  for (const [model, price] of Object.entries({ ...DEFAULT_PRICING, ...overrides })) {
    if (!Number.isFinite(price?.input_cost_per_token) || !Number.isFinite(price?.output_cost_per_token)) continue;
    const input = toPico(price.input_cost_per_token);
    table.set(model, {
      input,
      output: toPico(price.output_cost_per_token),
      cachedInput: Number.isFinite(price.cache_read_input_token_cost) ? toPico(price.cache_read_input_token_cost!) : input,
    });
  }
  return table;
}

/**
 * The price of a model name: the name as given, else its normalised name
 * (`normalizeModelName`) or that name's longest listed prefix (`gpt-4o-mini-2024-07-18` -> `gpt-4o-mini`).
 *
 * @example
 * ```ts
 * findPrice(compilePricing(), "openrouter/openai/gpt-4o-2024-08-06"); // gpt-4o's price
 * ```
 */
export function findPrice(table: Map<string, PicoPrice>, model: string | undefined): PicoPrice | undefined {
  if (typeof model !== "string" || !model) return undefined;
  const exact = table.get(model);
  if (exact) return exact;
  const key = longestPrefix(table.keys(), normalizeModelName(model));
  return key === undefined ? undefined : table.get(key);
}

/** A token count as a whole number of tokens: rounded, and 0 for a negative or non-finite one. */
const wholeTokens = (tokens: number) => (Number.isFinite(tokens) && tokens > 0 ? Math.round(tokens) : 0);

/**
 * What a call costs in picodollars. Never throws: counts are rounded to whole tokens and a
 * negative or non-finite count is 0; cached tokens are at most the input tokens.
 *
 * @example
 * ```ts
 * picoToUsd(costInPico(findPrice(compilePricing(), "gpt-4o")!, 1_000_000, 0, 0)); // 2.5
 * ```
 */
export function costInPico(price: PicoPrice, inputTokens: number, cachedInputTokens: number, outputTokens: number): bigint {
  const input = wholeTokens(inputTokens);
  const cached = Math.min(wholeTokens(cachedInputTokens), input);
  return BigInt(input - cached) * price.input + BigInt(cached) * price.cachedInput + BigInt(wholeTokens(outputTokens)) * price.output;
}

/**
 * Picodollars as US dollars.
 *
 * @example
 * ```ts
 * picoToUsd(2_500_000_000_000n); // 2.5
 * ```
 */
export const picoToUsd = (pico: bigint): number => Number(pico) / PICO_PER_USD;

/** The default table compiled once, for callers such as the playground that price on every keystroke. */
let defaultTable: Map<string, PicoPrice> | undefined;

/**
 * What `inputTokens` of `model` cost as input at the default prices (or `pricing` over them);
 * `undefined` when the model has no known price. A fractional count is rounded to whole
 * tokens (providers bill whole tokens); a negative or non-finite count is a RangeError.
 *
 * @example
 * ```ts
 * inputCostUsd("gpt-4o", 1_000_000); // 2.5
 * inputCostUsd("openrouter/openai/gpt-4o", 1.5); // the price of 2 tokens
 * ```
 */
export function inputCostUsd(model: string, inputTokens: number, pricing?: Record<string, ModelPrice>): number | undefined {
  if (typeof inputTokens !== "number" || !Number.isFinite(inputTokens) || inputTokens < 0) {
    throw new RangeError(`inputCostUsd: inputTokens must be a finite number >= 0, got ${String(inputTokens)}`);
  }
  const price = findPrice(pricing ? compilePricing(pricing) : (defaultTable ??= compilePricing()), model);
  return price ? picoToUsd(costInPico(price, inputTokens, 0, 0)) : undefined;
}
