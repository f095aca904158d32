// The package's public surface: what the README's API table lists. A room whose door is wholly
// public is re-exported whole; from the others, only their public names.
export {
  type BudgetContext,
  type BudgetCounterState,
  BudgetExceededError,
  type BudgetLimit,
  type BudgetLine,
  type BudgetPeriod,
  type BudgetQuantity,
  type BudgetRefusal,
  type BudgetReservation,
  type BudgetScope,
  type BudgetStatus,
  type BudgetStore,
  type BudgetUsage,
  budgetContext,
  InMemoryBudgetStore,
  type ReserveRequest,
  TokenBudget,
  type TokenBudgetOptions,
  type WithBudgetOptions,
  withBudget,
} from "./budget/index.js";
export * from "./calibration/index.js";
export {
  type ChatModelLike,
  chatModelName,
  createTokenCounter,
  type MessageFlag,
  type TokenCounter,
  type TokenCounterOptions,
  toChatMessage,
  withTokenCounter,
} from "./counters/index.js";
export {
  ATTRIBUTION_LIMITS,
  type CallParams,
  type LedgerDebugEvent,
  type LlmRunRecord,
  type RecordFlag,
  type RecordListenerOptions,
  type RecordMetadataValue,
  type ReportedUsage,
  type RunAttribution,
  type RunLabels,
  type RunStartEvent,
  TokenLedgerHandler,
  type TokenLedgerOptions,
  type TraceUsage,
  type UsageSource,
  type UsageTotals,
} from "./ledger/index.js";
export * from "./memory/index.js";
export {
  ContextWindowExceededError,
  type ContextWindowRefusal,
  parseContextWindowError,
  type RefusalFormat,
  type RefusalListener,
  withRefusalRetry,
} from "./recovery/index.js";
export {
  createHistoryTrimmer,
  type MessageTypeOrClass,
  TrimError,
  TrimmedChatMessageHistory,
  type TrimmedHistoryOptions,
  type TrimOptions,
  trimHistory,
  trimHistoryAsync,
} from "./trim/index.js";
