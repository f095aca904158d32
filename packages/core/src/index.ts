export type {
  ChatMessage,
  ContentPart,
  CountMessagesOptions,
  CountOptions,
  LangChainMessageLike,
  MessageCount,
  ToolCall,
  ToolDefinition,
} from "./count/index.js";
export { countMessages, countTokens } from "./count/index.js";
export type { Encoder } from "./encoder/index.js";
export { ENCODING_NAMES, type EncodingName, type OpenAIEncodingName, type OpenWeightEncodingName } from "./encoder/index.js";
export { getEncoder, loadEncoding } from "./loader/index.js";
export {
  type ChatFormat,
  DEFAULT_MODEL,
  DEFAULT_PRICING,
  inputCostUsd,
  MODEL_CATALOG_SOURCE,
  MODEL_LIMITS,
  MODEL_TABLE_SOURCE,
  type ModelInfo,
  type ModelPrice,
  type ModelSpec,
  normalizeModelName,
  PRICING_SOURCE,
  registerModel,
  resolveModel,
  setFallbackEncoding,
} from "./models/index.js";
export { type FullTokenUsage, TokenTracker } from "./token-tracker.js";
