export { DEFAULT_PRICING, inputCostUsd, type ModelPrice, PRICING_SOURCE } from "./pricing.js";
