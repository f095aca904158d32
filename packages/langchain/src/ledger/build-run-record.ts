import type { LLMResult } from "@langchain/core/outputs";
import { type PicoPrice, picoToUsd } from "@tokenledger/core/internal";
import { countOutput } from "./count-run.js";
import { errorLine } from "./describe-run-error.js";
import { runCostPico } from "./ledger-pricing.js";
import type { LlmRunRecord, RecordFlag } from "./ledger-record.js";
import type { RecordLabels } from "./read-attribution.js";
import { readProviderUsage } from "./read-provider-usage.js";
import type { CallParams } from "./read-run-start.js";
import { clampTokenCount, resolveUsage } from "./resolve-usage.js";

/** What the handler knows of a model run in flight. */
export interface LlmRunState {
  runId: string;
  parentRunId?: string;
  rootRunId: string;
  runName: string;
  operation?: "chat" | "text_completion";
  model: string;
  provider?: string;
  contextTokens: number;
  estimatedInputTokens?: number;
  contextWindow?: number;
  invocationParams: CallParams;
  /** Tags, metadata, user, thread and tenant, read at the start. */
  labels: RecordLabels;
  flags: Set<RecordFlag>;
  streamed: string[];
  startedAt: number;
  startedMono: number;
  signal?: AbortSignal;
  detachAbort?: () => void;
}

/** How a run ended: its result, a LangChain cache hit, or a one-line error. */
export interface RunOutcome {
  output?: LLMResult;
  cached?: boolean;
  error?: string;
}

export interface BuiltRecord {
  record: LlmRunRecord;
  costPico: bigint | undefined;
}

/**
 * The record of a finished run: usage resolved (provider > estimate > local), priced, flagged.
 * Bad provider usage adds `invalid-usage`, an unreadable part of the result `handler-error`; both
 * are told to `report`. Whatever throws here, `fallbackRunRecord` still makes a record.
 *
 * @example
 * ```ts
 * const { record, costPico } = buildRunRecord(state, { output }, compileLedgerPricing(undefined), console.debug);
 * record.source; // "provider"
 * ```
 */
export function buildRunRecord(
  state: LlmRunState,
  outcome: RunOutcome,
  pricing: Map<string, PicoPrice>,
  report: (message: string, error?: unknown) => void,
): BuiltRecord {
  if (outcome.cached) state.flags.add("cached");
  const provider = outcome.cached ? { problems: [] } : readProviderUsage(outcome.output);
  if (provider.problems.length > 0) {
    state.flags.add("invalid-usage");
    report(`invalid usage from the provider (${provider.problems.join(", ")}); using local counts`);
  }
  if (provider.inconsistentTotal) {
    state.flags.add("inconsistent-total");
    report("the provider's total_tokens is below its input plus output; the record's total is their sum");
  }
  const countFlags = new Set<"count-failed">();
  const usage = resolveUsage({
    cached: outcome.cached === true,
    provider,
    ...(state.estimatedInputTokens === undefined ? {} : { estimatedInputTokens: state.estimatedInputTokens }),
    localOutputTokens: () => countOutput(outcome.output, state.streamed, state.model, countFlags),
    failed: outcome.error !== undefined,
  });
  for (const flag of countFlags) state.flags.add(flag);
  const costPico = runCostPico(pricing, state.model, usage.inputTokens, usage.reported?.cacheReadTokens ?? 0, usage.outputTokens);
  let responseModel: string | undefined;
  try {
    responseModel = responseModelOf(outcome.output);
  } catch (error) {
    state.flags.add("handler-error");
    report(`response_metadata: ${errorLine(error)}`, error);
  }
  const estimated = state.estimatedInputTokens === undefined ? undefined : clampTokenCount(state.estimatedInputTokens);
  const record: LlmRunRecord = {
    ...baseRecord(state, outcome),
    ...(responseModel === undefined ? {} : { responseModel }),
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    totalTokens: usage.inputTokens + usage.outputTokens,
    source: usage.source,
    ...(estimated === undefined ? {} : { estimatedInputTokens: estimated }),
    ...(usage.reported ? { reported: usage.reported } : {}),
    ...(costPico === undefined ? {} : { costUsd: picoToUsd(costPico) }),
  };
  return { record: { ...record, flags: [...state.flags] }, costPico };
}

/**
 * The record of last resort: only plain values of the run's own state, our input estimate, no cost.
 *
 * @example
 * ```ts
 * fallbackRunRecord(state, { error: "boom" }).record.source; // "local"
 * ```
 */
export function fallbackRunRecord(state: LlmRunState, outcome: RunOutcome): BuiltRecord {
  const inputTokens = outcome.cached ? 0 : clampTokenCount(state.estimatedInputTokens);
  return {
    record: { ...baseRecord(state, outcome), inputTokens, outputTokens: 0, totalTokens: inputTokens, source: "local" },
    costPico: undefined,
  };
}

function baseRecord(
  state: LlmRunState,
  outcome: RunOutcome,
): Omit<LlmRunRecord, "inputTokens" | "outputTokens" | "totalTokens" | "source"> {
  return {
    runId: state.runId,
    ...(state.parentRunId ? { parentRunId: state.parentRunId } : {}),
    rootRunId: state.rootRunId,
    runName: state.runName,
    ...(state.operation === undefined ? {} : { operation: state.operation }),
    model: state.model,
    ...(state.provider === undefined ? {} : { provider: state.provider }),
    status: outcome.error === undefined ? "ok" : "error",
    contextTokens: clampTokenCount(state.contextTokens),
    ...(state.contextWindow === undefined ? {} : { contextWindow: state.contextWindow }),
    invocationParams: state.invocationParams,
    cached: outcome.cached === true,
    startedAt: state.startedAt,
    endedAt: Date.now(),
    durationMs: Math.max(0, performance.now() - state.startedMono),
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
    flags: [...state.flags],
    ...state.labels,
  };
}

function responseModelOf(output: LLMResult | undefined): string | undefined {
  const message = (output?.generations?.[0]?.[0] as { message?: { response_metadata?: Record<string, unknown> } } | undefined)?.message;
  const name = message?.response_metadata?.model_name ?? message?.response_metadata?.model;
  return typeof name === "string" ? name : undefined;
}
