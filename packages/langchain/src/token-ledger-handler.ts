import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import {
  type ChatMessage,
  compilePricing,
  costInPico,
  countMessages,
  countTokens,
  findPrice,
  type ModelPrice,
  type PicoPrice,
  picoToUsd,
  resolveModel,
  type ToolDefinition,
} from "@tokenledger/core";
import { type ReportedUsage, readProviderUsage } from "./read-provider-usage.js";
import { type MessageFlag, toChatMessage } from "./to-chat-message.js";
import { TotalsAccumulator, type UsageTotals } from "./usage-totals.js";

export type UsageSource = "provider" | "provider-estimate" | "local";
export type RecordFlag = MessageFlag | "unknown-model" | "approximate-count" | "count-failed" | "aborted" | "abandoned" | "cached";

/** The sampling parameters that shaped a call, read from the model's invocation params. */
export interface CallParams {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  toolsCount: number;
}

/** One finished model run. */
export interface LlmRunRecord {
  runId: string;
  parentRunId?: string;
  /** The top-level run this call belongs to (its own id when the model was invoked directly). */
  rootRunId: string;
  runName: string;
  /** The requested model name. */
  model: string;
  /** The model name the provider answered with, when it said. */
  responseModel?: string;
  provider?: string;
  status: "ok" | "error";
  /** Local count of the messages before the newest user turn, per-message overhead included. */
  contextTokens: number;
  /** Prompt tokens, context included (the provider's number when it gave one). */
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  source: UsageSource;
  /** Our pre-call count of the whole prompt (messages, tools, reply priming); absent with `countLocally: false`. */
  estimatedInputTokens?: number;
  /** The model's context window, when known. */
  contextWindow?: number;
  reported?: ReportedUsage;
  invocationParams: CallParams;
  costUsd?: number;
  /** Served from LangChain's cache: nothing was sent, so input and output are 0. */
  cached: boolean;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  error?: string;
  /** Why some number is less than exact: unknown model, content we had to guess, an abort. */
  flags: RecordFlag[];
}

/** Every model run under one top-level run, rolled up. */
export interface TraceUsage extends UsageTotals {
  rootRunId: string;
  /** Model runs of this trace still in flight. */
  pending: number;
  /** The records of this trace still held (older ones may have been evicted by `maxRecords`). */
  records: LlmRunRecord[];
}

export interface TokenLedgerOptions {
  /** Finished records kept for `records()`/`getRun()`; oldest evicted first; totals keep counting. Default 10,000. */
  maxRecords?: number;
  /** Top-level runs kept for `getTrace()`. Default: `maxRecords`. */
  maxTraces?: number;
  /** LiteLLM-shaped prices (USD per token) by model name, merged over the default table. */
  pricing?: Record<string, ModelPrice>;
  /** Count prompts before each call with @tokenledger/core. Default true. */
  countLocally?: boolean;
  /** Runs with no end event after this long are closed as abandoned. Default 10 minutes. */
  staleAfterMs?: number;
  /** Most runs in flight at once; beyond it the oldest is closed as abandoned. Default 10,000. */
  maxPending?: number;
}

interface LlmRunState {
  runId: string;
  parentRunId?: string;
  rootRunId: string;
  runName: string;
  model: string;
  provider?: string;
  contextTokens: number;
  estimatedInputTokens?: number;
  contextWindow?: number;
  invocationParams: CallParams;
  flags: Set<RecordFlag>;
  streamed: string[];
  startedAt: number;
  startedMono: number;
  detachAbort?: () => void;
}

interface TraceState {
  totals: TotalsAccumulator;
  runIds: string[];
  pending: number;
}

type Extra = { invocation_params?: Record<string, unknown>; options?: { signal?: AbortSignal }; cached?: boolean };

const MAX_MODELS = 1000;
const OTHER_MODELS = "(other)";

/**
 * A LangChain callback handler that keeps a ledger of token usage: one record per model
 * call (context, input and output tokens, provider numbers next to our estimate, cost) and
 * roll-ups per top-level run, per model and overall. Handlers run before `invoke` returns,
 * never throw into the chain, and keep bounded memory.
 *
 * @example
 * ```ts
 * const ledger = new TokenLedgerHandler();
 * await chain.invoke({ question: "Hi" }, { callbacks: [ledger] });
 * ledger.totals();          // { calls: 1, inputTokens: 25, outputTokens: 9, totalTokens: 34, costUsd: 0.0000091, ... }
 * ledger.records()[0].source; // "provider"
 * ```
 */
export class TokenLedgerHandler extends BaseCallbackHandler {
  name = "TokenLedgerHandler";

  readonly #maxRecords: number;
  readonly #maxTraces: number;
  readonly #countLocally: boolean;
  readonly #staleAfterMs: number;
  readonly #maxPending: number;
  readonly #pricing: Map<string, PicoPrice>;
  readonly #inflight = new Map<string, LlmRunState>();
  readonly #lineage = new Map<string, { rootRunId: string; startedAt: number }>();
  readonly #records = new Map<string, LlmRunRecord>();
  readonly #traces = new Map<string, TraceState>();
  readonly #totals = new TotalsAccumulator();
  readonly #byModel = new Map<string, TotalsAccumulator>();
  readonly #listeners = new Set<(record: LlmRunRecord) => void>();
  #lastSweep = Date.now();

  constructor(options: TokenLedgerOptions = {}) {
    super();
    this.awaitHandlers = true;
    this.raiseError = false;
    this.#maxRecords = positive(options.maxRecords, 10_000);
    this.#maxTraces = positive(options.maxTraces, this.#maxRecords);
    this.#countLocally = options.countLocally ?? true;
    this.#staleAfterMs = positive(options.staleAfterMs, 600_000);
    this.#maxPending = positive(options.maxPending, 10_000);
    this.#pricing = compilePricing(options.pricing);
  }

  /** Finished model runs still held, oldest first. */
  records(): LlmRunRecord[] {
    return [...this.#records.values()];
  }

  getRun(runId: string): LlmRunRecord | undefined {
    return this.#records.get(runId);
  }

  /** Every model run under one top-level run, rolled up; `undefined` for a trace never seen or evicted. */
  getTrace(rootRunId: string): TraceUsage | undefined {
    const trace = this.#traces.get(rootRunId);
    if (!trace) return undefined;
    const records = trace.runIds.map((id) => this.#records.get(id)).filter((r): r is LlmRunRecord => r !== undefined);
    return { rootRunId, pending: trace.pending, records, ...trace.totals.snapshot() };
  }

  /** Every finished model run since the handler was made, evicted records included. */
  totals(): UsageTotals {
    return this.#totals.snapshot();
  }

  totalsByModel(): Record<string, UsageTotals> {
    return Object.fromEntries([...this.#byModel].map(([model, totals]) => [model, totals.snapshot()]));
  }

  /** Model runs started and not yet ended; 0 when idle. */
  get pendingCount(): number {
    return this.#inflight.size;
  }

  /** Calls `listener` once per finished model run; returns an unsubscribe. A listener that throws is ignored. */
  onRecord(listener: (record: LlmRunRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** @internal Sizes of every internal map, for leak tests. */
  _internalSizes(): Record<string, number> {
    return { inflight: this.#inflight.size, lineage: this.#lineage.size };
  }

  override handleChatModelStart(
    llm: Serialized,
    messages: BaseMessage[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.#safely(() => {
      const state = this.#startRun(llm, runId, parentRunId, extraParams as Extra, metadata, runName);
      if (this.#countLocally) this.#countChat(state, messages?.[0] ?? [], (extraParams as Extra)?.invocation_params?.tools);
    });
  }

  override handleLLMStart(
    llm: Serialized,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.#safely(() => {
      const state = this.#startRun(llm, runId, parentRunId, extraParams as Extra, metadata, runName);
      if (this.#countLocally) state.estimatedInputTokens = countTokens(String(prompts?.[0] ?? ""), { model: state.model });
    });
  }

  override handleLLMNewToken(token: string, _idx: unknown, runId: string): void {
    const state = this.#inflight.get(runId);
    if (state && typeof token === "string" && token.length > 0) state.streamed.push(token);
  }

  override handleLLMEnd(
    output: LLMResult,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    extraParams?: Record<string, unknown>,
  ): void {
    this.#safely(() => {
      const state = this.#inflight.get(runId);
      if (state) this.#finish(state, { output, cached: (extraParams as Extra)?.cached === true });
    });
  }

  override handleLLMError(err: Error, runId: string): void {
    this.#safely(() => {
      const state = this.#inflight.get(runId);
      if (!state) return;
      if (isAbort(err)) state.flags.add("aborted");
      this.#finish(state, { error: errorMessage(err) });
    });
  }

  override handleChainStart(
    _chain: Serialized,
    _inputs: unknown,
    runId: string,
    _runType?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    _runName?: string,
    parentRunId?: string,
  ): void {
    this.#safely(() => this.#track(runId, parentRunId));
  }

  override handleToolStart(_tool: Serialized, _input: string, runId: string, parentRunId?: string): void {
    this.#safely(() => this.#track(runId, parentRunId));
  }

  override handleRetrieverStart(_retriever: Serialized, _query: string, runId: string, parentRunId?: string): void {
    this.#safely(() => this.#track(runId, parentRunId));
  }

  override handleChainEnd(_outputs: unknown, runId: string): void {
    this.#lineage.delete(runId);
  }

  override handleChainError(_err: unknown, runId: string): void {
    this.#lineage.delete(runId);
  }

  override handleToolEnd(_output: unknown, runId: string): void {
    this.#lineage.delete(runId);
  }

  override handleToolError(_err: unknown, runId: string): void {
    this.#lineage.delete(runId);
  }

  override handleRetrieverEnd(_documents: unknown, runId: string): void {
    this.#lineage.delete(runId);
  }

  override handleRetrieverError(_err: unknown, runId: string): void {
    this.#lineage.delete(runId);
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // A ledger must never break the chain it observes; the run's record carries what failed.
    }
  }

  #rootOf(parentRunId: string | undefined, runId: string): string {
    if (!parentRunId) return runId;
    return this.#lineage.get(parentRunId)?.rootRunId ?? this.#inflight.get(parentRunId)?.rootRunId ?? parentRunId;
  }

  #track(runId: string, parentRunId: string | undefined): void {
    this.#sweep();
    this.#lineage.set(runId, { rootRunId: this.#rootOf(parentRunId, runId), startedAt: Date.now() });
  }

  #startRun(
    llm: Serialized,
    runId: string,
    parentRunId: string | undefined,
    extra: Extra | undefined,
    metadata?: Record<string, unknown>,
    runName?: string,
  ) {
    this.#sweep();
    const params = extra?.invocation_params ?? {};
    const model = String(
      metadata?.ls_model_name ?? params.model ?? params.model_name ?? params.modelName ?? kwarg(llm, "model") ?? "unknown",
    );
    const info = resolveModel(model);
    const state: LlmRunState = {
      runId,
      parentRunId,
      rootRunId: this.#rootOf(parentRunId, runId),
      runName: runName ?? (Array.isArray(llm?.id) ? String(llm.id.at(-1)) : "llm"),
      model,
      provider: typeof metadata?.ls_provider === "string" ? metadata.ls_provider : undefined,
      contextTokens: 0,
      contextWindow: info.contextWindow,
      invocationParams: callParams(params, metadata),
      flags: new Set(info.known ? [] : ["unknown-model"]),
      streamed: [],
      startedAt: Date.now(),
      startedMono: performance.now(),
    };
    this.#inflight.set(runId, state);
    this.#traceOf(state.rootRunId).pending++;
    const signal = extra?.options?.signal;
    if (signal && typeof signal.addEventListener === "function") {
      const onAbort = () => this.#safely(() => this.#abort(runId));
      signal.addEventListener("abort", onAbort, { once: true });
      state.detachAbort = () => signal.removeEventListener("abort", onAbort);
    }
    return state;
  }

  #countChat(state: LlmRunState, messages: BaseMessage[], rawTools: unknown): void {
    const flags = new Set<MessageFlag>();
    try {
      const chat = messages.map((m) => toChatMessage(m, flags));
      const tools = toToolDefinitions(rawTools, state);
      const count = countMessages(chat, { model: state.model, tools });
      state.estimatedInputTokens = count.total;
      state.contextTokens = sum(count.perMessage, 0, contextEnd(chat));
      if (count.approximate) state.flags.add("approximate-count");
    } catch {
      state.flags.add("count-failed");
    }
    for (const flag of flags) state.flags.add(flag);
  }

  #abort(runId: string): void {
    const state = this.#inflight.get(runId);
    if (!state) return;
    state.flags.add("aborted");
    this.#finish(state, { error: "aborted" });
  }

  #finish(state: LlmRunState, outcome: { output?: LLMResult; cached?: boolean; error?: string }): void {
    this.#inflight.delete(state.runId);
    state.detachAbort?.();
    if (outcome.cached) state.flags.add("cached");
    const reported = outcome.cached ? undefined : readProviderUsage(outcome.output);
    const localOutput = () => this.#countOutput(state, outcome.output);
    let source: UsageSource = "local";
    let inputTokens: number;
    let outputTokens: number;
    if (outcome.cached) {
      inputTokens = 0;
      outputTokens = 0;
    } else if (reported) {
      source = reported.from === "estimatedTokenUsage" ? "provider-estimate" : "provider";
      const { inputTokens: input, outputTokens: output, totalTokens: total } = reported;
      inputTokens = input ?? (total !== undefined && output !== undefined ? total - output : (state.estimatedInputTokens ?? 0));
      outputTokens = output ?? (total !== undefined && input !== undefined ? total - input : localOutput());
    } else {
      outputTokens = localOutput();
      const nothingSent = outcome.error !== undefined && outputTokens === 0;
      inputTokens = nothingSent ? 0 : (state.estimatedInputTokens ?? 0);
    }
    const price = findPrice(this.#pricing, state.model);
    const costPico = price ? costInPico(price, inputTokens, reported?.cacheReadTokens ?? 0, outputTokens) : undefined;
    const endedAt = Date.now();
    const record: LlmRunRecord = {
      runId: state.runId,
      ...(state.parentRunId ? { parentRunId: state.parentRunId } : {}),
      rootRunId: state.rootRunId,
      runName: state.runName,
      model: state.model,
      ...optional("responseModel", responseModel(outcome.output)),
      ...optional("provider", state.provider),
      status: outcome.error === undefined ? "ok" : "error",
      contextTokens: state.contextTokens,
      inputTokens,
      outputTokens,
      totalTokens: inputTokens + outputTokens,
      source,
      ...optional("estimatedInputTokens", state.estimatedInputTokens),
      ...optional("contextWindow", state.contextWindow),
      ...optional("reported", reported),
      invocationParams: state.invocationParams,
      ...optional("costUsd", costPico === undefined ? undefined : picoToUsd(costPico)),
      cached: outcome.cached === true,
      startedAt: state.startedAt,
      endedAt,
      durationMs: performance.now() - state.startedMono,
      ...optional("error", outcome.error),
      flags: [...state.flags],
    };
    this.#store(record, costPico);
  }

  #countOutput(state: LlmRunState, output: LLMResult | undefined): number {
    try {
      const texts: string[] = [];
      for (const generation of output?.generations?.flat() ?? []) {
        texts.push(typeof generation.text === "string" ? generation.text : "");
        const calls = (generation as { message?: { tool_calls?: Array<{ name?: string; args?: unknown }> } }).message?.tool_calls ?? [];
        for (const call of calls) texts.push(String(call?.name ?? ""), JSON.stringify(call?.args ?? {}));
      }
      const text = texts.length > 0 ? texts : [state.streamed.join("")];
      return text.reduce((total, t) => total + countTokens(t, { model: state.model }), 0);
    } catch {
      state.flags.add("count-failed");
      return 0;
    }
  }

  #store(record: LlmRunRecord, costPico: bigint | undefined): void {
    this.#records.set(record.runId, record);
    if (this.#records.size > this.#maxRecords) this.#records.delete(this.#records.keys().next().value!);
    this.#totals.add(record, costPico);
    this.#modelTotals(record.model).add(record, costPico);
    const trace = this.#traceOf(record.rootRunId);
    trace.pending = Math.max(0, trace.pending - 1);
    trace.totals.add(record, costPico);
    trace.runIds.push(record.runId);
    if (trace.runIds.length > this.#maxRecords) trace.runIds.shift();
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch {
        // A listener's failure is its own; the ledger and the chain go on.
      }
    }
  }

  #traceOf(rootRunId: string): TraceState {
    let trace = this.#traces.get(rootRunId);
    if (!trace) {
      trace = { totals: new TotalsAccumulator(), runIds: [], pending: 0 };
      this.#traces.set(rootRunId, trace);
      if (this.#traces.size > this.#maxTraces) this.#traces.delete(this.#traces.keys().next().value!);
    }
    return trace;
  }

  #modelTotals(model: string): TotalsAccumulator {
    const key = this.#byModel.has(model) || this.#byModel.size < MAX_MODELS ? model : OTHER_MODELS;
    let totals = this.#byModel.get(key);
    if (!totals) this.#byModel.set(key, (totals = new TotalsAccumulator()));
    return totals;
  }

  /** Closes runs whose end never came (a consumer that stopped reading a stream, a crashed tool). */
  #sweep(): void {
    const now = Date.now();
    const overfull = this.#inflight.size >= this.#maxPending || this.#lineage.size >= this.#maxPending;
    if (!overfull && now - this.#lastSweep < Math.min(this.#staleAfterMs, 60_000) / 4) return;
    this.#lastSweep = now;
    for (const state of this.#inflight.values()) {
      if (now - state.startedAt < this.#staleAfterMs && this.#inflight.size < this.#maxPending) break;
      state.flags.add("abandoned");
      this.#finish(state, { error: `abandoned: no end event after ${now - state.startedAt} ms` });
    }
    for (const [runId, entry] of this.#lineage) {
      if (now - entry.startedAt < this.#staleAfterMs && this.#lineage.size < this.#maxPending) break;
      this.#lineage.delete(runId);
    }
  }
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === "number" && value > 0 ? value : fallback;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function sum(values: number[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i] ?? 0;
  return total;
}

/** Index of the newest user turn; the context is what comes before it (everything but the last message when no user spoke). */
function contextEnd(messages: ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") return i;
  return Math.max(0, messages.length - 1);
}

function kwarg(llm: Serialized, key: string): unknown {
  return (llm as { kwargs?: Record<string, unknown> } | undefined)?.kwargs?.[key];
}

function responseModel(output: LLMResult | undefined): string | undefined {
  const message = (output?.generations?.[0]?.[0] as { message?: { response_metadata?: Record<string, unknown> } } | undefined)?.message;
  const name = message?.response_metadata?.model_name ?? message?.response_metadata?.model;
  return typeof name === "string" ? name : undefined;
}

function toToolDefinitions(raw: unknown, state: LlmRunState): ToolDefinition[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((tool) => {
    if (tool && typeof tool === "object" && "function" in tool) return tool as ToolDefinition;
    state.flags.add("approximate-count");
    const t = (tool ?? {}) as { name?: string; description?: string; input_schema?: unknown; parameters?: unknown };
    return {
      type: "function",
      function: { name: String(t.name ?? ""), description: t.description, parameters: (t.input_schema ?? t.parameters) as never },
    };
  });
}

function callParams(params: Record<string, unknown>, metadata?: Record<string, unknown>): CallParams {
  const number = (...values: unknown[]) => values.find((v): v is number => typeof v === "number");
  const stop = params.stop ?? metadata?.ls_stop;
  return {
    ...optional(
      "maxTokens",
      number(params.max_tokens, params.max_completion_tokens, params.maxTokens, params.max_output_tokens, metadata?.ls_max_tokens),
    ),
    ...optional("temperature", number(params.temperature, metadata?.ls_temperature)),
    ...optional("topP", number(params.top_p, params.topP)),
    ...optional("topK", number(params.top_k, params.topK)),
    ...optional("stop", Array.isArray(stop) ? stop.map(String) : typeof stop === "string" ? [stop] : undefined),
    toolsCount: Array.isArray(params.tools) ? params.tools.length : 0,
  };
}

function isAbort(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | undefined;
  return e?.name === "AbortError" || /abort/i.test(String(e?.message ?? ""));
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
