import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import type { ModelPrice } from "@tokenledger/core";
import { countTokens, resolveModel } from "@tokenledger/core";
import type { PicoPrice } from "@tokenledger/core/internal";
import { BoundedMap, defaultDebugChannel, durationMsOr, finitePositiveOr, guardChannel } from "../shared/index.js";
import { type BuiltRecord, buildRunRecord, fallbackRunRecord, type LlmRunState, type RunOutcome } from "./build-run-record.js";
import { countPrompt } from "./count-run.js";
import { errorLine, isAbortError } from "./describe-run-error.js";
import { registerInternals } from "./ledger-internals.js";
import { compileLedgerPricing } from "./ledger-pricing.js";
import type { LlmRunRecord, TraceUsage } from "./ledger-record.js";
import { type RunAttribution, type RunLabels, readAttribution } from "./read-attribution.js";
import { readRunStart } from "./read-run-start.js";
import { RecordStore } from "./record-store.js";
import { RunRegistry } from "./run-registry.js";
import type { UsageTotals } from "./usage-totals.js";

export type { LlmRunRecord, RecordFlag, RecordMetadataValue, TraceUsage } from "./ledger-record.js";
export type { RunAttribution, RunLabels } from "./read-attribution.js";
export type { CallParams } from "./read-run-start.js";
export type { UsageSource } from "./resolve-usage.js";

/** A failure inside the handler, or bad data it was given; the run still ends as a record. */
export interface LedgerDebugEvent {
  /** The callback (or `onRecord` listener) where it happened, e.g. `handleLLMEnd`. */
  method: string;
  runId?: string;
  /** One line: what went wrong. */
  message: string;
  /** The thrown value, when something threw. */
  error?: unknown;
}

export interface TokenLedgerOptions {
  /** Finished records kept for `records()`/`getRun()`; oldest evicted first; totals keep counting. Default 10,000. */
  maxRecords?: number;
  /** Top-level runs kept for `getTrace()`/`traces()`. Default: `maxRecords`. */
  maxTraces?: number;
  /** LiteLLM-shaped prices (USD per token, 0 to 1) by model name, merged over the default table; a bad price throws here. */
  pricing?: Record<string, ModelPrice>;
  /** Count prompts before each call with @tokenledger/core. Default true. */
  countLocally?: boolean;
  /**
   * Runs with no end event after this long are closed as abandoned (a timer sweeps while runs are
   * in flight). If the real end comes later, the record is corrected and re-emitted flagged `late`.
   * Default 10 minutes.
   */
  staleAfterMs?: number;
  /**
   * Most runs in flight at once; beyond it the oldest is closed as abandoned (and corrected, flagged
   * `late`, if its end comes; up to `max(maxRecords, maxPending)` closed runs wait for one). Default 10,000.
   */
  maxPending?: number;
  /**
   * The debug channel: told of every failure inside the handler (a throwing getter, a listener
   * that threw or rejected) and of provider usage that failed validation. Default: written with
   * `console.debug` when the `TOKENLEDGER_DEBUG` environment variable is set, else dropped.
   * The chain never sees these; the run's record carries a flag. A channel that throws or
   * rejects is dropped (told once to `console.debug` under `TOKENLEDGER_DEBUG`).
   */
  onError?: (event: LedgerDebugEvent) => unknown;
  /**
   * Who a run is for, from its tags and metadata. Ids it leaves out fall back to
   * `metadata.user_id`, `metadata.thread_id` (or `sessionId`) and `metadata.tenant_id`.
   * Callbacks see `metadata`, not `configurable`: LangGraph (and `createAgent`) copy
   * `configurable.thread_id` into it; elsewhere pass it in `metadata` or derive it here. A function that throws is reported to `onError`; the fallbacks apply.
   */
  attribute?: (run: RunLabels) => RunAttribution | undefined;
}

/** How `onRecord` calls a listener. */
export interface RecordListenerOptions {
  /**
   * Hold the run's end callback until the listener's promise settles, so that `invoke` returns
   * only after it (the handler is awaited by LangChain). For a durable store's synchronous mode.
   * Default false: the listener's promise runs on its own.
   */
  wait?: boolean;
}

/** A chat model run as it starts (`onRunStart`): what it was sent. */
export interface RunStartEvent {
  runId: string;
  /** The model name the run's record will carry. */
  model: string;
  /** The messages sent (the first prompt of the call), as LangChain passed them: read them, do not change them. */
  messages: readonly BaseMessage[];
  /** The tool definitions sent (`invocation_params.tools`), when any. */
  tools?: unknown;
}

/** A model run started, after the model and its input: the positions `CallbackManager` passes at run time. */
type ModelRunStart = [
  runId: string,
  parentRunId?: string,
  extraParams?: Record<string, unknown>,
  tags?: string[],
  metadata?: Record<string, unknown>,
  runName?: string,
];
/** A model run ended or failed, after its output or error. */
type ModelRunEnd = [runId: string, parentRunId?: string, tags?: string[], extraParams?: Record<string, unknown>];

/** The ends and errors of parent runs (chains, tools, retrievers), set in the handler's static block. */
const PARENT_RUN_ENDS = [
  "handleChainEnd",
  "handleChainError",
  "handleToolEnd",
  "handleToolError",
  "handleRetrieverEnd",
  "handleRetrieverError",
] as const;

/**
 * A LangChain callback handler that keeps a ledger of token usage: one record per model
 * call (context, input and output tokens, provider numbers next to our estimate, cost) and
 * roll-ups per top-level run, per model and overall. Handlers run before `invoke` returns,
 * never throw into the chain, never lose a started run, and keep bounded memory.
 *
 * @example
 * ```ts
 * const ledger = new TokenLedgerHandler();
 * await chain.invoke({ question: "Hi" }, { callbacks: [ledger], runId });
 * ledger.getTrace(runId);     // { calls: 2, inputTokens: 52, outputTokens: 18, pending: 0, records: [...], ... }
 * ledger.totals();            // { calls: 2, inputTokens: 52, outputTokens: 18, totalTokens: 70, costUsd: 0.0000186, ... }
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: its static block defines every method the interface below declares.
export class TokenLedgerHandler extends BaseCallbackHandler {
  name = "TokenLedgerHandler";

  readonly #countLocally: boolean;
  readonly #pricing: Map<string, PicoPrice>;
  readonly #onError: ((event: LedgerDebugEvent) => void) | undefined;
  readonly #attribute: ((run: RunLabels) => RunAttribution | undefined) | undefined;
  readonly #registry: RunRegistry<LlmRunState>;
  readonly #store: RecordStore;
  /** Runs closed early (abandoned), with the record they were closed with, awaiting a late end. */
  readonly #closedEarly: BoundedMap<string, { state: LlmRunState; built: BuiltRecord }>;
  /** The sweep timer, set only while runs are in flight (so an idle handler holds no timer). */
  #sweepTimer: ReturnType<typeof setTimeout> | undefined;
  /** `onRunStart` listeners, each called once per chat model run's start. */
  readonly #startListeners = new Set<(start: RunStartEvent) => unknown>();

  constructor(options: TokenLedgerOptions = {}) {
    super();
    this.awaitHandlers = true;
    this.raiseError = false;
    const maxRecords = finitePositiveOr(options.maxRecords, 10_000);
    this.#countLocally = options.countLocally ?? true;
    this.#pricing = compileLedgerPricing(options.pricing);
    this.#onError = guardChannel(options.onError ?? defaultDebugChannel(), "onError");
    this.#attribute = typeof options.attribute === "function" ? options.attribute : undefined;
    const maxPending = finitePositiveOr(options.maxPending, 10_000);
    this.#registry = new RunRegistry({ staleAfterMs: durationMsOr(options.staleAfterMs, 600_000), maxPending });
    this.#closedEarly = new BoundedMap(Math.max(maxRecords, maxPending));
    registerInternals(this, this.#registry);
    this.#store = new RecordStore({
      maxRecords,
      maxTraces: finitePositiveOr(options.maxTraces, maxRecords),
      onListenerError: (error, record) => this.#report("onRecord", record.runId, `listener failed: ${errorLine(error)}`, error),
    });
  }

  /** Finished model runs still held, oldest first. */
  records(): LlmRunRecord[] {
    return this.#store.records();
  }

  getRun(runId: string): LlmRunRecord | undefined {
    return this.#store.get(runId);
  }

  /** Every model run under one top-level run, rolled up; `undefined` for a trace never seen or evicted. */
  getTrace(rootRunId: string): TraceUsage | undefined {
    return this.#store.trace(rootRunId);
  }

  /** Every trace still held, the most recently started first: `traces()[0]` is what you just ran. */
  traces(): TraceUsage[] {
    return this.#store.traces();
  }

  /** Every finished model run since the handler was made, evicted records included. */
  totals(): UsageTotals {
    return this.#store.totals();
  }

  totalsByModel(): Record<string, UsageTotals> {
    return this.#store.totalsByModel();
  }

  /** Model runs started and not yet ended; 0 when idle. */
  get pendingCount(): number {
    return this.#registry.size;
  }

  /**
   * Calls `listener` once per finished model run; returns an unsubscribe. A listener that throws,
   * or returns a promise that rejects, is reported to `onError` and otherwise ignored. With
   * `{ wait: true }` the run's end waits for the listener's promise.
   */
  onRecord(listener: (record: LlmRunRecord) => unknown, options: RecordListenerOptions = {}): () => void {
    return this.#store.onRecord(listener, options.wait === true);
  }

  /**
   * Calls `listener` as each chat model run starts, with what it was sent; returns an unsubscribe.
   * For what must see a prompt before its record (`TokenCalibration.attach` matches them by run
   * id). A listener that throws is reported to `onError` and otherwise ignored.
   *
   * @example
   * ```ts
   * const stop = ledger.onRunStart(({ runId, messages }) => sent.set(runId, messages.length));
   * ```
   */
  onRunStart(listener: (start: RunStartEvent) => unknown): () => void {
    const own = (start: RunStartEvent) => listener(start);
    this.#startListeners.add(own);
    return () => {
      this.#startListeners.delete(own);
    };
  }

  // Parameter positions are those `CallbackManager` (dist/callbacks/manager.js) passes at run time.

  override handleChatModelStart(llm: Serialized, messages: BaseMessage[][], ...start: ModelRunStart): void {
    const started = this.#start("handleChatModelStart", llm, start);
    if (!started) return;
    const { state, tools } = started;
    if (this.#startListeners.size > 0) this.#announceStart(state, messages, tools);
    if (!this.#countLocally) return;
    this.#safely("handleChatModelStart", state.runId, () => {
      const prompt = countPrompt(messages?.[0], tools, state.model);
      if (prompt.estimatedInputTokens !== undefined) state.estimatedInputTokens = prompt.estimatedInputTokens;
      state.contextTokens = prompt.contextTokens;
      for (const flag of prompt.flags) state.flags.add(flag);
    });
  }

  override handleLLMStart(llm: Serialized, prompts: string[], ...start: ModelRunStart): void {
    const state = this.#start("handleLLMStart", llm, start)?.state;
    if (!state || !this.#countLocally) return;
    try {
      const prompt = prompts?.[0];
      state.estimatedInputTokens = countTokens(typeof prompt === "string" ? prompt : "", { model: state.model });
    } catch {
      state.flags.add("count-failed");
    }
  }

  override handleLLMNewToken(
    token: string,
    _idx: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    _fields?: unknown,
  ): void {
    const state = this.#registry.get(runId) ?? this.#closedEarly.get(runId)?.state;
    if (state && typeof token === "string" && token.length > 0) state.streamed.push(token);
  }

  override handleLLMEnd(output: LLMResult, ...end: ModelRunEnd): Promise<void> | undefined {
    const [runId, , , extraParams] = end;
    return this.#end("handleLLMEnd", runId, (state) => {
      let cached = false;
      try {
        cached = extraParams?.cached === true;
      } catch {
        this.#problem(state, "handleLLMEnd", "extraParams.cached: unreadable");
      }
      return { output, cached };
    });
  }

  override handleLLMError(err: unknown, ...end: ModelRunEnd): Promise<void> | undefined {
    const [runId] = end;
    return this.#end("handleLLMError", runId, (state) => {
      if (isAbortError(err) || signalAborted(state.signal)) state.flags.add("aborted");
      if (isBudgetExceeded(err)) state.flags.add("budget-exceeded");
      return { error: errorLine(err) };
    });
  }

  // Parent runs (chains, tools, retrievers): a start records the run's lineage (run id 3rd,
  // parent 4th), an end or error forgets it (run id 2nd). Later parameters are not read.
  override handleChainStart(_chain: Serialized, _inputs: unknown, runId: string, parentRunId?: string): void {
    this.#safely("handleChainStart", runId, () => this.#track(runId, parentRunId));
  }

  override handleToolStart(_tool: Serialized, _input: string, runId: string, parentRunId?: string): void {
    this.#safely("handleToolStart", runId, () => this.#track(runId, parentRunId));
  }

  override handleRetrieverStart(_retriever: Serialized, _query: string, runId: string, parentRunId?: string): void {
    this.#safely("handleRetrieverStart", runId, () => this.#track(runId, parentRunId));
  }

  static {
    // A parent run's end or error forgets its lineage (run id 2nd): the six methods declared in
    // the interface of the same name below, one function on the prototype.
    for (const method of PARENT_RUN_ENDS) {
      TokenLedgerHandler.prototype[method] = function (this: TokenLedgerHandler, _output: unknown, runId: string) {
        this.#registry.untrack(runId);
      };
    }
  }

  #track(runId: string, parentRunId: string | undefined): void {
    this.#closeStale();
    if (typeof runId !== "string") return;
    this.#registry.track(runId, typeof parentRunId === "string" ? parentRunId : undefined, Date.now());
    this.#scheduleSweep();
  }

  /** Registers a model run before anything that could fail; returns undefined for a duplicate or id-less start. */
  #start(
    method: string,
    llm: Serialized,
    [runId, parentRunId, extra, tags, metadata, runName]: ModelRunStart,
  ): { state: LlmRunState; tools: unknown } | undefined {
    let started: { state: LlmRunState; tools: unknown } | undefined;
    this.#safely(method, runId, () => {
      this.#closeStale();
      if (typeof runId !== "string" || runId === "") return this.#report(method, undefined, "start event without a run id");
      if (this.#registry.get(runId) || this.#store.has(runId) || this.#closedEarly.has(runId))
        return this.#report(method, runId, "duplicate start event ignored");
      const parent = typeof parentRunId === "string" && parentRunId !== "" ? parentRunId : undefined;
      const start = readRunStart(llm, extra, metadata, runName);
      const attribution = readAttribution(tags, metadata, this.#attribute);
      start.problems.push(...attribution.problems);
      let known = false;
      let contextWindow: number | undefined;
      try {
        const info = resolveModel(start.model);
        known = info.known;
        contextWindow = info.contextWindow;
      } catch (error) {
        this.#report(method, runId, `resolveModel failed: ${errorLine(error)}`, error);
      }
      const state: LlmRunState = {
        runId,
        ...(parent ? { parentRunId: parent } : {}),
        rootRunId: this.#registry.rootOf(parent, runId),
        runName: start.runName,
        operation: method === "handleLLMStart" ? "text_completion" : "chat",
        model: start.model,
        ...(start.provider === undefined ? {} : { provider: start.provider }),
        contextTokens: 0,
        ...(contextWindow === undefined ? {} : { contextWindow }),
        invocationParams: start.invocationParams,
        labels: attribution.labels,
        flags: new Set(known ? [] : ["unknown-model"]),
        streamed: [],
        startedAt: Date.now(),
        startedMono: performance.now(),
      };
      this.#registry.add(state);
      this.#store.started(state.rootRunId);
      this.#scheduleSweep();
      if (start.problems.length > 0) this.#problem(state, method, `unreadable: ${start.problems.join(", ")}`);
      if (start.signal) this.#watchAbort(state, start.signal, method);
      started = { state, tools: start.tools };
    });
    return started;
  }

  #watchAbort(state: LlmRunState, signal: AbortSignal, method: string): void {
    try {
      const onAbort = () =>
        this.#end("abort", state.runId, (aborted) => {
          aborted.flags.add("aborted");
          return { error: "aborted" };
        });
      signal.addEventListener("abort", onAbort, { once: true });
      state.signal = signal;
      state.detachAbort = () => signal.removeEventListener("abort", onAbort);
    } catch (error) {
      this.#problem(state, method, `options.signal: ${errorLine(error)}`, error);
    }
  }

  /**
   * Takes a model run out of the registry, if it is still in flight, and ends it with the outcome
   * `outcomeOf` reads; a run closed early (abandoned) is corrected instead. Returns the promise of
   * the waiting listeners, if any.
   */
  #end(method: string, runId: string, outcomeOf: (state: LlmRunState) => RunOutcome): Promise<void> | undefined {
    let waited: Promise<void> | undefined;
    this.#safely(method, runId, () => {
      const state = this.#registry.take(runId);
      if (state) {
        waited = this.#store.add(...this.#build(state, outcomeOf(state)));
        return;
      }
      const early = typeof runId === "string" ? this.#closedEarly.get(runId) : undefined;
      if (!early) return;
      this.#closedEarly.delete(runId);
      early.state.flags.delete("abandoned");
      early.state.flags.add("late");
      const [record, costPico] = this.#build(early.state, outcomeOf(early.state));
      waited = this.#store.replace(early.built.record, early.built.costPico, record, costPico);
    });
    return waited;
  }

  /** The record of a run (already taken out of the registry), whatever fails on the way. */
  #build(state: LlmRunState, outcome: RunOutcome): [LlmRunRecord, bigint | undefined] {
    try {
      state.detachAbort?.();
    } catch (error) {
      this.#problem(state, "finish", `removing the abort listener failed: ${errorLine(error)}`, error);
    }
    let built: BuiltRecord;
    try {
      built = buildRunRecord(state, outcome, this.#pricing, (message, error) => this.#report("handleLLMEnd", state.runId, message, error));
    } catch (error) {
      this.#problem(state, "finish", `building the record failed: ${errorLine(error)}`, error);
      built = fallbackRunRecord(state, outcome);
    }
    return [built.record, built.costPico];
  }

  /**
   * Closes runs whose end never came (a consumer that stopped reading a stream, a crashed tool),
   * and keeps them, bounded, so that an end arriving later corrects the record.
   */
  #closeStale(): void {
    const now = Date.now();
    for (const state of this.#registry.stale(now)) {
      state.flags.add("abandoned");
      const [record, costPico] = this.#build(state, { error: `abandoned: no end event after ${now - state.startedAt} ms` });
      this.#closedEarly.set(state.runId, { state, built: { record, costPico } });
      this.#store.add(record, costPico);
    }
  }

  /** Sweeps on a timer while runs are in flight, not only at the next start; the timer never holds the process open. */
  #scheduleSweep(): void {
    if (this.#sweepTimer !== undefined) return;
    const sweep = () => {
      this.#sweepTimer = undefined;
      this.#safely("sweep", undefined, () => this.#closeStale());
      const sizes = this.#registry.sizes();
      if (sizes.inflight + sizes.lineage > 0) this.#scheduleSweep();
    };
    try {
      this.#sweepTimer = setTimeout(sweep, this.#registry.sweepIntervalMs);
      (this.#sweepTimer as { unref?: () => void }).unref?.();
    } catch {
      this.#sweepTimer = undefined;
    }
  }

  #safely(method: string, runId: unknown, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#report(method, typeof runId === "string" ? runId : undefined, `failed: ${errorLine(error)}`, error);
    }
  }

  #problem(state: LlmRunState, method: string, message: string, error?: unknown): void {
    state.flags.add("handler-error");
    this.#report(method, state.runId, message, error);
  }

  #announceStart(state: LlmRunState, messages: BaseMessage[][], tools: unknown): void {
    let sent: BaseMessage[] | undefined;
    try {
      sent = Array.isArray(messages?.[0]) ? messages[0] : undefined;
    } catch {
      // A prompt that cannot be read is not announced.
    }
    if (!sent) return;
    const event: RunStartEvent = { runId: state.runId, model: state.model, messages: sent, ...(tools === undefined ? {} : { tools }) };
    for (const listener of [...this.#startListeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#report("onRunStart", state.runId, `listener failed: ${errorLine(error)}`, error);
      }
    }
  }

  #report(method: string, runId: string | undefined, message: string, error?: unknown): void {
    this.#onError?.({ method, ...(runId === undefined ? {} : { runId }), message, ...(error === undefined ? {} : { error }) });
  }
}

/** A token budget refused the call (`@tokenledger/langchain`'s `BudgetExceededError`, matched by name). */
function isBudgetExceeded(error: unknown): boolean {
  try {
    return (error as { name?: unknown } | null)?.name === "BudgetExceededError";
  } catch {
    return false;
  }
}

function signalAborted(signal: AbortSignal | undefined): boolean {
  try {
    return signal?.aborted === true;
  } catch {
    return false;
  }
}

// The parent-run ends as methods in the class's type (a subclass may override them), implemented
// by its static block.
export interface TokenLedgerHandler {
  handleChainEnd(outputs: unknown, runId: string, parentRunId?: string, tags?: string[]): void;
  handleChainError(err: unknown, runId: string, parentRunId?: string, tags?: string[]): void;
  handleToolEnd(output: unknown, runId: string, parentRunId?: string, tags?: string[]): void;
  handleToolError(err: unknown, runId: string, parentRunId?: string, tags?: string[]): void;
  handleRetrieverEnd(documents: unknown, runId: string, parentRunId?: string, tags?: string[]): void;
  handleRetrieverError(err: unknown, runId: string, parentRunId?: string, tags?: string[]): void;
}
