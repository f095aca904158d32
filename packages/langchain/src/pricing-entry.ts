// `@tokenledger/langchain/pricing`, kept for compatibility: prices live in @tokenledger/core.
export { DEFAULT_PRICING, inputCostUsd, type ModelPrice, PRICING_SOURCE } from "@tokenledger/core";
