import { DEFAULT_PRICING, MODEL_LIMITS, normalizeModelName } from "@tokenledger/core";

/**
 * Whether `name` is a model of tokenledger's catalog: its normalised name (`normalizeModelName`:
 * `openai/gpt-4o-mini` -> `gpt-4o-mini`) is exactly a name the catalog lists (prices or limits),
 * never a longer name that merely starts with one (`gpt-4o-tenant-7` is not `gpt-4o`). The catalog
 * is finite, so these names cannot grow a metric's series without bound. Never throws.
 *
 * @example
 * ```ts
 * isCatalogModel("gpt-4o-mini-2024-07-18"); // true
 * isCatalogModel("gpt-4o-tenant-7");        // false
 * ```
 */
export function isCatalogModel(name: string): boolean {
  try {
    const normalized = normalizeModelName(name);
    return Object.hasOwn(DEFAULT_PRICING, normalized) || Object.hasOwn(MODEL_LIMITS, normalized);
  } catch {
    return false;
  }
}
