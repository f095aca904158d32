import type { PicoPrice } from "./compile-pricing.js";
import { DEFAULT_PRICING } from "./default-pricing.js";
import { lookupModel } from "./lookup-model.js";
import { registeredModel } from "./model-registry.js";

/**
 * The price of a model name, found as `resolveModel` finds limits: a price given to
 * `registerModel` for a registration that matches the name wins; else the table's entry for the
 * name as given, its normalised name (`normalizeModelName`) or the listed model it is a dated
 * snapshot of (`gpt-4o-mini-2024-07-18` -> `gpt-4o-mini`, never `o1-mini` -> `o1`), or, for a name
 * the table's caller added (`compilePricing`'s overrides), its longest prefix (`my-model-v2` ->
 * `my-model`); else, for a name a string `registerModel` match
 * claims, the price of that match (`registerModel({ match: "gpt-4o" })` prices `gpt-4o-custom`).
 *
 * @example
 * ```ts
 * findPrice(compilePricing(), "openrouter/openai/gpt-4o-2024-08-06"); // gpt-4o's price
 * ```
 */
export function findPrice(table: Map<string, PicoPrice>, model: string | undefined): PicoPrice | undefined {
  if (typeof model !== "string" || !model) return undefined;
  const registered = registeredModel(model.trim());
  if (registered?.picoPrice) return registered.picoPrice;
  const own = lookupModel(table, model, isUserKey);
  if (own !== undefined || typeof registered?.match !== "string") return own;
  return lookupModel(table, registered.match, isUserKey);
}

/** A price the caller added, not one of the built-in table's models. */
const isUserKey = (key: string): boolean => !Object.hasOwn(DEFAULT_PRICING, key);
