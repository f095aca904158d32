export type { ChatMessage, ContentPart, ToolCall, ToolDefinition } from "./count/chat-types.js";
export { type CountMessagesOptions, countMessages, encoderForModel, type MessageCount } from "./count/count-messages.js";
export { type CountOptions, countTokens } from "./count/count-tokens.js";
export type { Encoder } from "./encoder/create-encoder.js";
export { ENCODING_NAMES, type EncodingName } from "./encoder/encodings.js";
export { getEncoder } from "./encoder/get-encoder.js";
export { DEFAULT_MODEL } from "./models/default-model.js";
export { MODEL_LIMITS, MODEL_TABLE_SOURCE } from "./models/model-table.js";
export { normalizeModelName } from "./models/normalize-model-name.js";
export {
  compilePricing,
  costInPico,
  DEFAULT_PRICING,
  findPrice,
  inputCostUsd,
  type ModelPrice,
  type PicoPrice,
  PRICING_SOURCE,
  picoToUsd,
} from "./models/pricing.js";
export {
  type ChatFormat,
  type ModelInfo,
  type ModelSpec,
  registerModel,
  resetModelRegistry,
  resolveModel,
  setFallbackEncoding,
} from "./models/resolve-model.js";
export { type FullTokenUsage, TokenTracker } from "./token-tracker.js";
