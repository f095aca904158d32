import { DEFAULT_PRICING } from "./default-pricing.js";
import type { ModelPrice } from "./model-types.js";

/** Prices as integer picodollars per token, so that sums of many calls never drift. */
export interface PicoPrice {
  input: bigint;
  cachedInput: bigint;
  output: bigint;
}

/** Picodollars in a US dollar. */
export const PICO_PER_USD = 1e12;

const toPico = (usd: number) => BigInt(Math.round(usd * PICO_PER_USD));

/**
 * The highest price accepted, in USD per token: far above any model's, far below what picodollar sums can hold.
 *
 * @example
 * ```ts
 * compilePricing({ x: { input_cost_per_token: MAX_USD_PER_TOKEN * 2, output_cost_per_token: 0 } }); // throws RangeError
 * ```
 */
export const MAX_USD_PER_TOKEN = 1;

const PRICE_FIELDS = ["input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost"] as const;

/**
 * Checks user-given prices: every price must be a finite number of USD per token in
 * `[0, MAX_USD_PER_TOKEN]` (the cache-read price may be absent). Throws a TypeError when
 * `pricing` is not an object, else one RangeError that lists every bad entry
 * (`model.field: value`), so that a typo fails where the prices are given instead of skewing
 * costs later. `who` names the caller in the message.
 *
 * @example
 * ```ts
 * checkPricing({ "my-model": { input_cost_per_token: -1, output_cost_per_token: 0 } }, "registerModel"); // throws RangeError
 * ```
 */
export function checkPricing(pricing: unknown, who: string): asserts pricing is Record<string, ModelPrice> {
  if (pricing === null || typeof pricing !== "object") {
    throw new TypeError(`${who}: \`pricing\` must be an object of model name -> price, got ${typeof pricing}`);
  }
  const problems: string[] = [];
  for (const [model, price] of Object.entries(pricing)) {
    if (price === null || typeof price !== "object") {
      problems.push(`${model}: not an object`);
      continue;
    }
    for (const field of PRICE_FIELDS) {
      const value = (price as Record<string, unknown>)[field];
      if (value === undefined && field === "cache_read_input_token_cost") continue;
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_USD_PER_TOKEN) {
        problems.push(`${model}.${field}: ${typeof value === "number" ? value : typeof value}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new RangeError(
      `${who}: invalid pricing (each price must be a finite number of USD per token from 0 to ${MAX_USD_PER_TOKEN}): ${problems.join("; ")}`,
    );
  }
}

/** A price in USD per token as picodollars per token. */
export function toPicoPrice(price: ModelPrice): PicoPrice {
  const input = toPico(price.input_cost_per_token);
  return {
    input,
    output: toPico(price.output_cost_per_token),
    cachedInput: price.cache_read_input_token_cost === undefined ? input : toPico(price.cache_read_input_token_cost),
  };
}

/**
 * The default prices with `overrides` over them, as picodollars per token by model name: the
 * one price validator of tokenledger. The built-in table is trusted; `overrides` are checked
 * first: a non-object is a TypeError, and any bad entry (a price that is not a finite number of
 * USD per token from 0 to `MAX_USD_PER_TOKEN`; `cache_read_input_token_cost` may be absent) makes
 * one RangeError listing every bad entry. `who` names the caller in those messages.
 *
 * @example
 * ```ts
 * const table = compilePricing({ "my-model": { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } });
 * findPrice(table, "my-model-v2")?.input; // 1000000n
 * compilePricing({ "my-model": { input_cost_per_token: -1, output_cost_per_token: 0 } }, "TokenLedgerHandler"); // throws RangeError
 * ```
 */
export function compilePricing(overrides?: Record<string, ModelPrice>, who = "compilePricing"): Map<string, PicoPrice> {
  if (overrides !== undefined) checkPricing(overrides, who);
  const table = new Map<string, PicoPrice>();
  for (const [model, price] of Object.entries(DEFAULT_PRICING)) table.set(model, toPicoPrice(price));
  for (const [model, price] of Object.entries(overrides ?? {})) table.set(model, toPicoPrice(price));
  return table;
}
