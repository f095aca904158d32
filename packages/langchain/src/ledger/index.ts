export { ATTRIBUTION_LIMITS } from "./read-attribution.js";
export type { ReportedUsage } from "./read-provider-usage.js";
export {
  type CallParams,
  type LedgerDebugEvent,
  type LlmRunRecord,
  type RecordFlag,
  type RecordListenerOptions,
  type RecordMetadataValue,
  type RunAttribution,
  type RunLabels,
  type RunStartEvent,
  TokenLedgerHandler,
  type TokenLedgerOptions,
  type TraceUsage,
  type UsageSource,
} from "./token-ledger-handler.js";
export type { UsageTotals } from "./usage-totals.js";
export { validateReportedUsage } from "./validate-reported-usage.js";
