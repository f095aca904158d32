export { createHistoryTrimmer } from "./create-history-trimmer.js";
export { DEFAULT_PRICING, inputCostUsd, type ModelPrice, PRICING_SOURCE } from "./pricing-entry.js";
export type { ReportedUsage } from "./read-provider-usage.js";
export { type MessageFlag, toChatMessage } from "./to-chat-message.js";
export {
  type CallParams,
  type LlmRunRecord,
  type RecordFlag,
  TokenLedgerHandler,
  type TokenLedgerOptions,
  type TraceUsage,
  type UsageSource,
} from "./token-ledger-handler.js";
export { type MessageTypeOrClass, TrimError, type TrimOptions, trimHistory } from "./trim-history.js";
export { TrimmedChatMessageHistory, type TrimmedHistoryOptions } from "./trimmed-chat-message-history.js";
export type { UsageTotals } from "./usage-totals.js";
