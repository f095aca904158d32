import { compilePricing, costInPico, findPrice, type ModelPrice, type PicoPrice } from "@tokenledger/core";
import { tokenCount } from "./resolve-usage.js";

/** The highest price accepted, in USD per token: far above any model's, far below what picodollar sums can hold. */
export const MAX_USD_PER_TOKEN = 1;

const FIELDS = ["input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost"] as const;

/**
 * The handler's `pricing` option checked and compiled over the default table. Every price must
 * be a finite number of USD per token in `[0, MAX_USD_PER_TOKEN]` (the cache-read price may be
 * absent); otherwise one `RangeError` lists every bad entry, so a typo fails when the handler
 * is built instead of skewing costs later.
 *
 * @example
 * ```ts
 * compileLedgerPricing({ "my-model": { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } }).get("my-model");
 * // { input: 1000000n, output: 2000000n, cachedInput: 1000000n }
 * compileLedgerPricing({ "my-model": { input_cost_per_token: -1, output_cost_per_token: 0 } }); // throws RangeError
 * ```
 */
export function compileLedgerPricing(pricing: Record<string, ModelPrice> | undefined): Map<string, PicoPrice> {
  if (pricing === undefined) return compilePricing();
  if (pricing === null || typeof pricing !== "object") {
    throw new TypeError(`TokenLedgerHandler: \`pricing\` must be an object of model name -> price, got ${typeof pricing}`);
  }
  const problems: string[] = [];
  for (const [model, price] of Object.entries(pricing)) {
    if (price === null || typeof price !== "object") {
      problems.push(`${model}: not an object`);
      continue;
    }
    for (const field of FIELDS) {
      const value = (price as unknown as Record<string, unknown>)[field];
      if (value === undefined && field === "cache_read_input_token_cost") continue;
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_USD_PER_TOKEN) {
        problems.push(`${model}.${field}: ${typeof value === "number" ? value : typeof value}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new RangeError(
      `TokenLedgerHandler: invalid pricing (each price must be a finite number of USD per token from 0 to ${MAX_USD_PER_TOKEN}): ${problems.join("; ")}`,
    );
  }
  return compilePricing(pricing);
}

/**
 * What a run cost in picodollars; `undefined` when the model has no price. Never negative,
 * never throws: the token numbers are taken as non-negative integers first.
 *
 * @example
 * ```ts
 * runCostPico(compileLedgerPricing(undefined), "gpt-4o-mini", 1000, 0, 100); // 210000000n ($0.00021)
 * ```
 */
export function runCostPico(
  table: Map<string, PicoPrice>,
  model: string,
  inputTokens: number,
  cachedInputTokens: number,
  outputTokens: number,
): bigint | undefined {
  const price = findPrice(table, model);
  if (!price) return undefined;
  const cost = costInPico(price, tokenCount(inputTokens), tokenCount(cachedInputTokens), tokenCount(outputTokens));
  return cost < 0n ? 0n : cost;
}
