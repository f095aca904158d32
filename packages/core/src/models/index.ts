// Model names: what each one is (encoding, chat format, limits) and what it costs, through one
// lookup (`lookup-model.ts`) and one registry (`model-registry.ts`) for both.
export { checkPricing, compilePricing, MAX_USD_PER_TOKEN, type PicoPrice } from "./compile-pricing.js";
export { DEFAULT_MODEL } from "./default-model.js";
export { DEFAULT_PRICING, PRICING_SOURCE } from "./default-pricing.js";
export { findPrice } from "./find-price.js";
export { MODEL_CATALOG_SOURCE } from "./model-catalog.js";
export { fallbackEncodingName, registerModel, resetModelRegistry, setFallbackEncoding } from "./model-registry.js";
export { MODEL_LIMITS, MODEL_TABLE_SOURCE } from "./model-table.js";
export type { ChatFormat, ModelInfo, ModelPrice, ModelSpec } from "./model-types.js";
export { normalizeModelName } from "./normalize-model-name.js";
export { costInPico, inputCostUsd, picoToUsd } from "./price-cost.js";
export { resolveModel, resolveModelForCount } from "./resolve-model.js";
