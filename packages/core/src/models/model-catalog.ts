import { type CatalogRow, MODEL_CATALOG, MODEL_CATALOG_PROVIDER_SOURCES, MODEL_CATALOG_SOURCE } from "./model-catalog.generated.js";
import type { ModelPrice } from "./model-types.js";
import { normalizeModelName } from "./normalize-model-name.js";

export { MODEL_CATALOG_SOURCE };

/** One catalog model, by its normalised name. */
export interface CatalogModel {
  /** The id as its provider spells it. */
  id: string;
  provider: string;
  contextWindow: number;
  maxOutputTokens?: number;
  price?: ModelPrice;
  /** Where the limits come from: `MODEL_CATALOG_SOURCE`, or the provider's own page when its numbers won over the catalogs'. */
  source: string;
}

let byName: Map<string, CatalogModel> | undefined;

/**
 * The generated catalog (models.dev, then llm-zoo) by normalised name; when several providers
 * list one model, the first row wins (first-party providers come first); a dated snapshot also
 * answers for its undated name. Built on first use.
 *
 * @example
 * ```ts
 * catalogModels().get("claude-3-5-sonnet-20241022")?.contextWindow; // 200000
 * ```
 */
export function catalogModels(): ReadonlyMap<string, CatalogModel> {
  if (byName) return byName;
  byName = new Map();
  for (const row of MODEL_CATALOG) {
    const name = normalizeModelName(row[0]);
    if (name !== "" && !byName.has(name)) byName.set(name, toModel(row));
  }
  // A dated snapshot also answers for its undated name (claude-3-5-sonnet-20241022 -> claude-3-5-sonnet), the newest first.
  for (const [name, model] of [...byName].sort(([a], [b]) => b.localeCompare(a))) {
    const undated = name.replace(/-(?:\d{8}|\d{4}-\d{2}-\d{2})$/, "");
    if (undated !== name && !byName.has(undated)) byName.set(undated, model);
  }
  return byName;
}

/** The catalog's limits and their source by normalised name, for the one limits lookup of `resolveModel`. */
export function catalogLimits(): Record<string, { contextWindow: number; maxOutputTokens?: number; source: string; provider: string }> {
  const limits: Record<string, { contextWindow: number; maxOutputTokens?: number; source: string; provider: string }> = {};
  for (const [name, { contextWindow, maxOutputTokens, source, provider }] of catalogModels()) {
    // llm-zoo's rows say whose model it is after "llm-zoo:".
    const entry = { contextWindow, source, provider: provider.replace(/^llm-zoo:/, "") };
    limits[name] = maxOutputTokens === undefined ? entry : { ...entry, maxOutputTokens };
  }
  return limits;
}

/** The catalog's prices by normalised name (models without both prices are left out). */
export function catalogPrices(): Record<string, ModelPrice> {
  const prices: Record<string, ModelPrice> = {};
  for (const [name, model] of catalogModels()) if (model.price) prices[name] = model.price;
  return prices;
}

function toModel([id, provider, contextWindow, maxOutputTokens, input, output, cacheRead, from]: CatalogRow): CatalogModel {
  const source = (from === "provider" && MODEL_CATALOG_PROVIDER_SOURCES[id]) || MODEL_CATALOG_SOURCE;
  const model: CatalogModel = { id, provider, contextWindow, source };
  if (maxOutputTokens !== null) model.maxOutputTokens = maxOutputTokens;
  if (input !== null && output !== null) {
    model.price = { input_cost_per_token: input / 1e6, output_cost_per_token: output / 1e6 };
    if (cacheRead !== null) model.price.cache_read_input_token_cost = cacheRead / 1e6;
  }
  return model;
}
