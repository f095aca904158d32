import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as main from "./index.js";
import * as middleware from "./middleware.js";

/** The public surface: every name the README's API table documents, by entry. */
const RUNTIME = {
  ".": [
    "ATTRIBUTION_LIMITS",
    "ContextWindowExceededError",
    "BudgetExceededError",
    "InMemoryBudgetStore",
    "TokenBudget",
    "budgetContext",
    "withBudget",
    "DEFAULT_SUMMARY_PROMPT",
    "SUMMARY_RUN_NAME",
    "SUMMARY_TAG",
    "SummaryBuffer",
    "SummaryBufferChatMessageHistory",
    "TokenCalibration",
    "TokenLedgerHandler",
    "TrimError",
    "TrimmedChatMessageHistory",
    "calibratedBudget",
    "chatModelName",
    "createHistoryTrimmer",
    "createSummaryBuffer",
    "createTokenCounter",
    "parseContextWindowError",
    "toChatMessage",
    "trimHistory",
    "trimHistoryAsync",
    "withRefusalRetry",
    "withTokenCounter",
  ],
  "./middleware": ["TokenBudgetExceededError", "budgetMiddleware", "contextWindowMiddleware", "summaryBufferMiddleware"],
};
const TYPES = [
  "TokenLedgerOptions",
  "LlmRunRecord",
  "RecordFlag",
  "TraceUsage",
  "UsageTotals",
  "UsageSource",
  "ReportedUsage",
  "CallParams",
  "LedgerDebugEvent",
  "RunAttribution",
  "RunLabels",
  "RecordMetadataValue",
  "RecordListenerOptions",
  "TrimOptions",
  "MessageTypeOrClass",
  "TrimmedHistoryOptions",
  "TokenCounter",
  "TokenCounterOptions",
  "ChatModelLike",
  "MessageFlag",
  "SummaryBufferHistoryOptions",
  "SummaryBufferOptions",
  "FitInput",
  "SummaryBufferResult",
  "SummarizerLike",
  "TokenCalibrationOptions",
  "CalibrationStats",
  "CalibratedEstimate",
  "TrimCalibration",
  "CalibratedEstimateOptions",
  "CalibrationKind",
  "KindError",
  "ObservedPrompt",
  "ContextWindowOptions",
  "SummaryBufferMiddlewareOptions",
  "ContextWindowRefusal",
  "RefusalFormat",
  "RefusalListener",
  "TokenBudgetOptions",
  "BudgetLimit",
  "BudgetScope",
  "BudgetPeriod",
  "BudgetQuantity",
  "ReserveRequest",
  "BudgetReservation",
  "BudgetUsage",
  "BudgetRefusal",
  "BudgetStatus",
  "WithBudgetOptions",
  "BudgetContext",
  "BudgetStore",
  "BudgetLine",
  "BudgetCounterState",
  "BudgetMiddlewareOptions",
];

/** The README's API section: from `## API` to the next heading of its level. */
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const apiSection = readme.slice(readme.indexOf("\n## API\n"), readme.indexOf("\n## ", readme.indexOf("\n## API\n") + 1));

describe("the public surface of @tokenledger/langchain", () => {
  it("exports at run time exactly the documented values, per entry", () => {
    expect(Object.keys(main).sort()).toEqual([...RUNTIME["."]].sort());
    expect(Object.keys(middleware).sort()).toEqual([...RUNTIME["./middleware"]].sort());
  });

  it("documents every export in the README's API table", () => {
    const missing = [...RUNTIME["."], ...RUNTIME["./middleware"], ...TYPES].filter((name) => !apiSection.includes(`\`${name}`));
    expect(missing).toEqual([]);
  });

  it("exports every documented type (checked when the tests are type-checked)", () => {
    type Documented = [
      main.TokenLedgerOptions,
      main.LlmRunRecord,
      main.RecordFlag,
      main.TraceUsage,
      main.UsageTotals,
      main.UsageSource,
      main.ReportedUsage,
      main.CallParams,
      main.LedgerDebugEvent,
      main.RunAttribution,
      main.RunLabels,
      main.RecordMetadataValue,
      main.RecordListenerOptions,
      main.TrimOptions,
      main.MessageTypeOrClass,
      main.TrimmedHistoryOptions,
      main.TokenCounter,
      main.TokenCounterOptions,
      main.ChatModelLike,
      main.MessageFlag,
      main.SummaryBufferHistoryOptions,
      main.SummaryBufferOptions,
      main.FitInput,
      main.SummaryBufferResult,
      main.SummarizerLike,
      main.TokenCalibrationOptions,
      main.CalibrationStats,
      main.CalibratedEstimate,
      main.TrimCalibration,
      main.CalibratedEstimateOptions,
      main.CalibrationKind,
      main.KindError,
      main.ObservedPrompt,
      middleware.ContextWindowOptions,
      middleware.SummaryBufferMiddlewareOptions,
      main.ContextWindowRefusal,
      main.RefusalFormat,
      main.RefusalListener,
      main.TokenBudgetOptions,
      main.BudgetLimit,
      main.BudgetScope,
      main.BudgetPeriod,
      main.BudgetQuantity,
      main.ReserveRequest,
      main.BudgetReservation,
      main.BudgetUsage,
      main.BudgetRefusal,
      main.BudgetStatus,
      main.WithBudgetOptions,
      main.BudgetContext,
      main.BudgetStore,
      main.BudgetLine,
      main.BudgetCounterState,
      middleware.BudgetMiddlewareOptions,
    ];
    const count: Documented["length"] = 54;
    expect(count).toBe(TYPES.length);
  });
});
