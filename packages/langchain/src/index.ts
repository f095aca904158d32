export { createHistoryTrimmer } from "./create-history-trimmer.js";
export { createSummaryBuffer } from "./create-summary-buffer.js";
export { DEFAULT_PRICING, inputCostUsd, type ModelPrice, PRICING_SOURCE } from "./pricing-entry.js";
export type { ReportedUsage } from "./read-provider-usage.js";
export {
  DEFAULT_SUMMARY_PROMPT,
  type FitInput,
  SUMMARY_RUN_NAME,
  SUMMARY_TAG,
  type SummarizerLike,
  SummaryBuffer,
  type SummaryBufferOptions,
  type SummaryBufferResult,
} from "./summary-buffer.js";
export { SummaryBufferChatMessageHistory, type SummaryBufferHistoryOptions } from "./summary-buffer-history.js";
export { type MessageFlag, toChatMessage } from "./to-chat-message.js";
export {
  type CalibratedEstimate,
  type CalibrationStats,
  calibratedBudget,
  TokenCalibration,
  type TokenCalibrationOptions,
  type TrimCalibration,
} from "./token-calibration.js";
export {
  type ChatModelLike,
  chatModelName,
  createTokenCounter,
  type TokenCounter,
  type TokenCounterOptions,
  withTokenCounter,
} from "./token-counter.js";
export {
  type CallParams,
  type LlmRunRecord,
  type RecordFlag,
  TokenLedgerHandler,
  type TokenLedgerOptions,
  type TraceUsage,
  type UsageSource,
} from "./token-ledger-handler.js";
export {
  type MessageTypeOrClass,
  TrimError,
  type TrimOptions,
  trimHistory,
  trimHistoryAsync,
} from "./trim-history.js";
export { TrimmedChatMessageHistory, type TrimmedHistoryOptions } from "./trimmed-chat-message-history.js";
export type { UsageTotals } from "./usage-totals.js";
