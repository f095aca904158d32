import { compilePricing, PICO_PER_USD, type PicoPrice } from "./compile-pricing.js";
import { findPrice } from "./find-price.js";
import type { ModelPrice } from "./model-types.js";

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
 * What `inputTokens` of `model` cost as input at the default prices (or `pricing` over them,
 * and a price given to `registerModel` over both); `undefined` when the model has no known
 * price. A fractional count is rounded to whole tokens (providers bill whole tokens); a negative
 * or non-finite count is a RangeError. `pricing` is checked as `compilePricing` checks it: a
 * non-object is a TypeError, a bad price one RangeError that lists every bad entry.
 *
 * @example
 * ```ts
 * inputCostUsd("gpt-4o", 1_000_000); // 2.5
 * inputCostUsd("openrouter/openai/gpt-4o", 1.5); // the price of 2 tokens
 * inputCostUsd("my-model", 10, { "my-model": { input_cost_per_token: -1, output_cost_per_token: 0 } }); // throws RangeError
 * ```
 */
export function inputCostUsd(model: string, inputTokens: number, pricing?: Record<string, ModelPrice>): number | undefined {
  if (typeof inputTokens !== "number" || !Number.isFinite(inputTokens) || inputTokens < 0) {
    throw new RangeError(`inputCostUsd: inputTokens must be a finite number >= 0, got ${String(inputTokens)}`);
  }
  const price = findPrice(pricing == null ? (defaultTable ??= compilePricing()) : compilePricing(pricing, "inputCostUsd"), model);
  return price ? picoToUsd(costInPico(price, inputTokens, 0, 0)) : undefined;
}
