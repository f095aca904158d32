import type { ModelPrice } from "@tokenledger/core";
import { compilePricing, costInPico, findPrice, type PicoPrice } from "@tokenledger/core/internal";
import { clampTokenCount } from "./resolve-usage.js";

/**
 * The handler's `pricing` option checked and compiled over the default table, by core's one
 * price validator: every price must be a finite number of USD per token in
 * `[0, MAX_USD_PER_TOKEN]` (the cache-read price may be absent); otherwise one `RangeError`
 * names every bad entry, so a typo fails when the handler is built instead of skewing costs later.
 *
 * @example
 * ```ts
 * compileLedgerPricing({ "my-model": { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } }).get("my-model");
 * // { input: 1000000n, output: 2000000n, cachedInput: 1000000n }
 * compileLedgerPricing({ "my-model": { input_cost_per_token: -1, output_cost_per_token: 0 } }); // throws RangeError
 * ```
 */
export function compileLedgerPricing(pricing: Record<string, ModelPrice> | undefined): Map<string, PicoPrice> {
  return compilePricing(pricing, "TokenLedgerHandler");
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
  const cost = costInPico(price, clampTokenCount(inputTokens), clampTokenCount(cachedInputTokens), clampTokenCount(outputTokens));
  return cost < 0n ? 0n : cost;
}
