import type { CountFlag } from "./count-run.js";
import type { ReportedUsage } from "./read-provider-usage.js";
import type { CallParams } from "./read-run-start.js";
import type { UsageSource } from "./resolve-usage.js";
import type { UsageTotals } from "./usage-totals.js";

/**
 * Why some number of a record is less than exact or what went wrong: content we had to guess
 * (`null-content`, `unknown-content-block`, `malformed-tool-call`, `unknown-message`,
 * `approximate-count`, `count-failed`), `unknown-model`, `aborted`, `abandoned`, `cached`,
 * `invalid-usage` (the provider's numbers failed validation; ours are used),
 * `inconsistent-total` (the provider's total is below its input plus output),
 * `late` (the run's real end came after it was closed as abandoned: this record replaces that one),
 * `budget-exceeded` (a token budget refused the call before it was sent) and
 * `handler-error` (part of the event could not be read; reported to `onError`).
 */
export type RecordFlag =
  | CountFlag
  | "unknown-model"
  | "aborted"
  | "abandoned"
  | "cached"
  | "invalid-usage"
  | "inconsistent-total"
  | "late"
  | "budget-exceeded"
  | "handler-error";

/** A metadata value as a record keeps it: primitives only, strings cut (see `LlmRunRecord.metadata`). */
export type RecordMetadataValue = string | number | boolean | null;

/** One finished model run. Token numbers are always non-negative integers. */
export interface LlmRunRecord {
  runId: string;
  parentRunId?: string;
  /** The top-level run this call belongs to: the `runId` of the outermost runnable the ledger saw start (its own id when the model was invoked directly). */
  rootRunId: string;
  runName: string;
  /** `chat` for a chat model's run, `text_completion` for a text LLM's (the GenAI conventions' operation names). */
  operation?: "chat" | "text_completion";
  /** The requested model name. */
  model: string;
  /** The model name the provider answered with, when it said. */
  responseModel?: string;
  provider?: string;
  status: "ok" | "error";
  /** Local count of the messages before the newest user turn, per-message overhead included. */
  contextTokens: number;
  /** Prompt tokens, context included (the provider's number when it gave a valid one). */
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  source: UsageSource;
  /** Our pre-call count of the whole prompt (messages, tools, reply priming); absent with `countLocally: false`. */
  estimatedInputTokens?: number;
  /** The model's context window, when known. */
  contextWindow?: number;
  /** The provider's numbers, when it gave valid ones. */
  reported?: ReportedUsage;
  invocationParams: CallParams;
  costUsd?: number;
  /** Served from LangChain's cache: nothing was sent, so input and output are 0. */
  cached: boolean;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  /** One line: the provider's message, without LangChain's troubleshooting text. */
  error?: string;
  /** Why some number is less than exact: unknown model, content we had to guess, an abort. */
  flags: RecordFlag[];
  /** The run's tags as LangChain passed them to the callbacks (bounded in number and length). */
  tags: string[];
  /** The run's metadata as LangChain passed it, primitives only, bounded in keys and string length. */
  metadata: Record<string, RecordMetadataValue>;
  /** Who the run was for: `metadata.user_id`, or the handler's `attribute` option. */
  userId?: string;
  /** The conversation: `metadata.thread_id` (LangGraph copies `configurable.thread_id` there) or `sessionId`, or `attribute`. */
  threadId?: string;
  /** The tenant: `metadata.tenant_id`, or `attribute`. */
  tenantId?: string;
  /** The token budgets this run was reserved and settled against, by name. */
  budgets?: string[];
}

/** Every model run under one top-level run, rolled up. */
export interface TraceUsage extends UsageTotals {
  rootRunId: string;
  /** The attribution of the trace's first record that had one. */
  userId?: string;
  threadId?: string;
  tenantId?: string;
  /** Model runs of this trace still in flight. */
  pending: number;
  /** The records of this trace still held (older ones may have been evicted by `maxRecords`). */
  records: LlmRunRecord[];
}
