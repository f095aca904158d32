import type { Callbacks } from "@langchain/core/callbacks/manager";
import { type BaseMessage, getBufferString, HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { countMessages, DEFAULT_MODEL, type ToolDefinition } from "@tokenledger/core";
import { countPromptTotal } from "@tokenledger/core/internal";
import { toChatMessage } from "../counters/index.js";
import { BoundedMap, failureText, finitePositiveOr, toToolDefinitions } from "../shared/index.js";
import { TrimError, templateRulesOf, trimHistory } from "../trim/index.js";
import { callSummarizer } from "./call-summarizer.js";
import { EMPTY_FINGERPRINT, extendFingerprint, type Fingerprint, sameFingerprint } from "./conversation-fingerprint.js";
import { FoldQueue } from "./fold-queue.js";

/**
 * The tag on every summarizer call, so a ledger or tracer can tell summaries from answers.
 *
 * @example
 * ```ts
 * tracerRuns.filter((run) => run.tags?.includes(SUMMARY_TAG));
 * ```
 */
export const SUMMARY_TAG = "tokenledger:summary";
/**
 * The run name of every summarizer call; `TokenLedgerHandler` records it as `runName`.
 *
 * @example
 * ```ts
 * ledger.records().filter((r) => r.runName === SUMMARY_RUN_NAME); // what the summaries cost
 * ```
 */
export const SUMMARY_RUN_NAME = "tokenledger_summary";

/**
 * Python LangChain's `SUMMARY_PROMPT`, without its worked example: the default `summaryPrompt`.
 *
 * @example
 * ```ts
 * new SummaryBuffer({ summarizer, maxTokens: 2000, summaryPrompt: `${DEFAULT_SUMMARY_PROMPT} Answer in French.` });
 * ```
 */
export const DEFAULT_SUMMARY_PROMPT =
  "Progressively summarize the lines of conversation provided, adding onto the previous summary and returning a new summary. Keep every name, number, date and preference the user stated. Answer with the summary only.";
const DEFAULT_SUMMARY_PREFIX = "Summary of the earlier conversation:";
const DEFAULT_LOW_WATER_MARK = 0.5;
const DEFAULT_SUMMARY_TIMEOUT_MS = 30_000;

/** Any chat model or Runnable that turns messages into a message: the summarizer. */
export interface SummarizerLike {
  invoke(input: BaseMessage[], options?: Partial<RunnableConfig>): Promise<{ content: unknown }>;
}

export interface SummaryBufferOptions {
  /** The model that writes the running summary (it may be smaller and cheaper than the one that answers). */
  summarizer: SummarizerLike;
  /** The budget of the whole prompt: system prompt, summary, kept turns, tools and reply priming. */
  maxTokens: number;
  /** Counts with this model's rules (the model that answers). Default gpt-4o. */
  model?: string;
  /** Tools sent with every call (OpenAI definitions or LangChain tools); their tokens come out of the budget. */
  tools?: unknown[];
  /**
   * When a fold is due, fold until the newest turns kept take at most this many tokens, so that
   * the summarizer runs once per several turns instead of on every turn. Overrides `lowWaterMark`.
   */
  keepTokens?: number;
  /**
   * When a fold is due (the turns no longer fit), fold until the kept turns take at most this
   * share of the room left for them (after system prompt, tools and summary), so that the next
   * fold comes several turns later. A number in (0, 1]; 1 folds only what does not fit (as
   * Python's ConversationSummaryBufferMemory). The newest turn that fits is never folded. Default 0.5.
   */
  lowWaterMark?: number;
  /**
   * Each summarizer call is cut off after this many milliseconds (its `signal` is aborted) and the
   * prompt degrades to trimming (`degraded: true`); `Infinity`: no limit. Default 30,000.
   */
  summaryTimeoutMs?: number;
  /** Most tokens the summary message may take; a longer summary is cut to it (flagged). Default: half of what the system prompt and tools leave. */
  maxSummaryTokens?: number;
  /** Instructions for the summarizer. Default: `DEFAULT_SUMMARY_PROMPT`. */
  summaryPrompt?: string;
  /** The summary message starts with this line. */
  summaryPrefix?: string;
  /** The summary goes in a system message (default, as Python's ConversationSummaryBufferMemory) or a human one (as summarizationMiddleware). */
  summaryRole?: "system" | "human";
  /** Callbacks for the summarizer's calls (e.g. your TokenLedgerHandler), used when no parent run passes its own. */
  callbacks?: Callbacks;
  /** Conversations (threads) whose summaries are kept at once; the least recently used is forgotten. Default 1,000. */
  maxThreads?: number;
}

/** What one `fit` did. */
export interface SummaryBufferResult {
  /** The prompt after the system prompt: the summary message (if any) and the newest turns that fit. */
  messages: BaseMessage[];
  /**
   * Set when the system prompt is to be replaced: for a model whose chat template takes one system
   * message, first (Gemma 3, Mistral NeMo), a system-role summary is merged into a new system message
   * (the system prompt's text, a blank line, the summary); send it instead of `input.system`.
   */
  system?: BaseMessage[];
  /** The running summary after this call ("" when nothing was folded yet). */
  summary: string;
  /** Messages of the conversation the summary covers, from its start. */
  summarizedCount: number;
  /** Messages folded into the summary by this call (0: no summarizer call). */
  foldedNow: number;
  /** Summarizer calls this call made. */
  summaryCalls: number;
  /** The whole prompt's tokens: system prompt, summary, kept turns, tools and reply priming. */
  promptTokens: number;
  /** The summarizer failed: this prompt is plain trimming (nothing left the store), it is tried again next time. */
  degraded: boolean;
  /** The summarizer's error, when `degraded`. */
  error?: string;
  /** The summary was longer than its room and was cut. */
  summaryTruncated: boolean;
}

export interface FitInput {
  /** The system prompt sent before everything (counted, never summarized). */
  system?: BaseMessage[];
  /** The whole conversation, oldest first (its start may already be summarized). */
  messages: BaseMessage[];
  /**
   * The conversation's key; each keeps its own summary. Without one, a summary belongs to the
   * conversation's message objects: it is used again only for an array holding the same objects,
   * in the same positions, with the same content.
   */
  thread?: string;
  /** Overrides for this call (an agent's model and tools). */
  model?: string;
  tools?: unknown[];
}

interface ThreadState {
  summary: string;
  /** Messages covered by the summary. */
  folded: number;
  /** The last covered message (the object), at position `folded - 1`. */
  anchor?: BaseMessage;
  /** Of the covered messages, to notice a conversation that was replaced or edited. */
  fingerprint: Fingerprint;
}

const EMPTY_STATE: ThreadState = { summary: "", folded: 0, fingerprint: EMPTY_FINGERPRINT };

interface Arranged {
  messages: BaseMessage[];
  system?: BaseMessage[];
  summary: string;
  truncated: boolean;
  promptTokens: number;
  /** How many leading messages of the conversation did not fit. */
  cut: number;
}

/**
 * The engine of summary buffer memory: keeps the newest turns verbatim within the budget and
 * folds what falls out into a running summary, per conversation. Used by
 * `SummaryBufferChatMessageHistory`, `createSummaryBuffer` and `summaryBufferMiddleware`.
 *
 * @example
 * ```ts
 * const buffer = new SummaryBuffer({ summarizer: new ChatOpenAI({ model: "gpt-4o-mini" }), maxTokens: 2000 });
 * const { messages, degraded } = await buffer.fit({ system: [new SystemMessage("Be brief.")], messages: history });
 * ```
 */
export class SummaryBuffer {
  /** Least recently used first. */
  readonly #threads: BoundedMap<string, ThreadState>;
  /** Conversations without a thread key, by their last folded message (the object). */
  readonly #anchored = new WeakMap<BaseMessage, ThreadState>();
  readonly #queue = new FoldQueue();
  readonly #timeoutMs: number;

  constructor(readonly options: SummaryBufferOptions) {
    if (!Number.isFinite(options?.maxTokens) || options.maxTokens < 0) {
      throw new TrimError(`summary buffer: maxTokens must be a number >= 0, got ${options?.maxTokens}`);
    }
    if (options.keepTokens !== undefined && !(options.keepTokens >= 0)) {
      throw new TrimError(`summary buffer: keepTokens must be a number >= 0, got ${options.keepTokens}`);
    }
    if (
      options.lowWaterMark !== undefined &&
      !(typeof options.lowWaterMark === "number" && options.lowWaterMark > 0 && options.lowWaterMark <= 1)
    ) {
      throw new TrimError(`summary buffer: lowWaterMark must be a number in (0, 1], got ${options.lowWaterMark}`);
    }
    if (options.summaryTimeoutMs !== undefined && !(typeof options.summaryTimeoutMs === "number" && options.summaryTimeoutMs > 0)) {
      throw new TrimError(`summary buffer: summaryTimeoutMs must be a number > 0 (Infinity: no limit), got ${options.summaryTimeoutMs}`);
    }
    this.#timeoutMs = options.summaryTimeoutMs ?? DEFAULT_SUMMARY_TIMEOUT_MS;
    if (typeof options.summarizer?.invoke !== "function") throw new TypeError("summary buffer: summarizer must be a chat model");
    this.#threads = new BoundedMap(Math.max(1, finitePositiveOr(options.maxThreads, 1000)));
  }

  /** The summary held for a thread key ("" when none; a conversation without a key has its summary in `fit`'s result). */
  summaryOf(thread = "default"): string {
    return this.#threads.get(thread)?.summary ?? "";
  }

  /** Forgets a thread's summary. */
  forget(thread = "default"): void {
    this.#threads.delete(thread);
  }

  /**
   * Folds what no longer fits into the summary and returns the prompt that fits the budget. Never
   * changes `input.messages`. Calls for one conversation run one at a time: concurrent reads share a fold.
   */
  async fit(input: FitInput, config?: Partial<RunnableConfig>): Promise<SummaryBufferResult> {
    if (!Array.isArray(input?.messages)) throw new TrimError("summary buffer: messages must be an array of BaseMessage");
    const key = input.thread ?? input.messages[0];
    return key === undefined ? this.#fit(input, config) : this.#queue.run(key, () => this.#fit(input, config));
  }

  async #fit(input: FitInput, config?: Partial<RunnableConfig>): Promise<SummaryBufferResult> {
    const thread = input.thread;
    const system = input.system ?? [];
    const messages = input.messages;
    const settings = {
      model: input.model ?? this.options.model ?? DEFAULT_MODEL,
      tools: toToolDefinitions(input.tools ?? this.options.tools),
    };
    const found = this.#stateOf(thread, messages);
    let state = found;
    let conversation = messages.slice(state.folded);
    let foldedNow = 0;
    let summaryCalls = 0;
    let error: string | undefined;
    // Each round folds at least one message, so this ends; a second round runs only when the new summary grew.
    while (error === undefined) {
      const fits = this.#arrange(system, state.summary, conversation, settings);
      if (fits.cut === 0) break;
      const batch = this.#arrange(system, state.summary, conversation, settings, true);
      // The default low-water mark never folds the newest turn when it fits on its own.
      const cut = this.options.keepTokens === undefined && batch.cut === conversation.length ? fits.cut : batch.cut;
      let summary = state.summary;
      try {
        for (const chunk of this.#chunks(conversation.slice(0, cut), settings.model)) {
          summary = await this.#summarize(summary, chunk, config);
          summaryCalls++;
        }
      } catch (e) {
        error = failureText(e, "the summarizer failed");
        break;
      }
      const folded = conversation.slice(0, cut);
      state = {
        summary,
        folded: state.folded + cut,
        anchor: folded.at(-1),
        fingerprint: extendFingerprint(state.fingerprint, folded),
      };
      conversation = conversation.slice(cut);
      foldedNow += cut;
    }
    const arranged = this.#arrange(system, state.summary, conversation, settings);
    state = { ...state, summary: arranged.summary };
    this.#remember(thread, state, found);
    return {
      messages: arranged.messages,
      ...(arranged.system ? { system: arranged.system } : {}),
      summary: state.summary,
      summarizedCount: state.folded,
      foldedNow,
      summaryCalls,
      promptTokens: arranged.promptTokens,
      degraded: error !== undefined,
      ...(error === undefined ? {} : { error }),
      summaryTruncated: arranged.truncated,
    };
  }

  /**
   * The state that covers the start of `messages`. A thread's state holds when its last covered
   * message is the same object at the same position, or (a store that reads new objects each time)
   * every covered message says the same. Without a thread, the state is found by its last covered
   * message (the object) at its position, and every covered message must say the same (one object
   * shared by two conversations carries nothing across).
   */
  #stateOf(thread: string | undefined, messages: BaseMessage[]): ThreadState {
    if (thread !== undefined) {
      const state = this.#threads.get(thread);
      if (!state || state.folded > messages.length) return EMPTY_STATE;
      if (state.folded === 0 || messages[state.folded - 1] === state.anchor || this.#covers(state, messages)) return state;
      return EMPTY_STATE;
    }
    for (let i = messages.length - 1; i >= 0; i--) {
      const state = this.#anchored.get(messages[i]!);
      if (state?.folded === i + 1 && this.#covers(state, messages)) return state;
    }
    return EMPTY_STATE;
  }

  #covers(state: ThreadState, messages: BaseMessage[]): boolean {
    return sameFingerprint(state.fingerprint, extendFingerprint(EMPTY_FINGERPRINT, messages.slice(0, state.folded)));
  }

  #remember(thread: string | undefined, state: ThreadState, found: ThreadState): void {
    if (thread !== undefined) {
      this.#threads.setNewest(thread, state);
      return;
    }
    if (found.anchor && found.anchor !== state.anchor) this.#anchored.delete(found.anchor);
    if (typeof state.anchor === "object" && state.anchor !== null) this.#anchored.set(state.anchor, state);
  }

  /** The prompt that fits: system, the summary (cut to its room if needed), then the newest whole turns. */
  #arrange(
    system: BaseMessage[],
    summary: string,
    conversation: BaseMessage[],
    settings: { model: string; tools: ToolDefinition[] },
    batch = false,
  ): Arranged {
    const budget = this.options.maxTokens;
    const fixed = countMessages(system.map(chat), settings);
    if (fixed.total > budget) {
      throw new TrimError(
        `summary buffer: the system prompt alone needs ${fixed.total} tokens (tools and reply priming included), over the budget of ${budget}`,
      );
    }
    const room = budget - fixed.total;
    const cap = Math.min(room, this.options.maxSummaryTokens ?? Math.floor(room / 2));
    let text = summary;
    let summaryTokens = text ? this.#tokensOf(this.#summaryMessage(text), settings.model) : 0;
    const truncated = summaryTokens > cap;
    if (truncated) {
      text = this.#cut(text, cap, settings.model);
      summaryTokens = text ? this.#tokensOf(this.#summaryMessage(text), settings.model) : 0;
    }
    const rules = templateRulesOf(settings.model);
    const summaryMessage = text ? this.#summaryMessage(text) : undefined;
    // A template that takes one system message, first: a system-role summary goes into it (a new message).
    const merged = rules && summaryMessage?.getType() === "system" && system.length > 0 ? mergedSystem(system, summaryMessage) : undefined;
    const head = summaryMessage && !merged ? [summaryMessage] : [];
    const sent = merged ?? system;
    const turnsRoom = room - summaryTokens;
    const keepTokens = !batch
      ? Number.POSITIVE_INFINITY
      : (this.options.keepTokens ?? Math.floor(turnsRoom * (this.options.lowWaterMark ?? DEFAULT_LOW_WATER_MARK)));
    let space = Math.min(
      budget - (fixed.total - fixed.tools - fixed.replyPriming) - summaryTokens,
      fixed.tools + fixed.replyPriming + keepTokens,
    );
    let kept: BaseMessage[] = [];
    let first: BaseMessage | undefined;
    let promptTokens = 0;
    // A template's count is not the sum of its parts (Gemma writes the system prompt into the first
    // user turn): the whole prompt is counted, and the room made smaller until it fits.
    for (let round = 0; ; round++) {
      kept = trimHistory(conversation, { model: settings.model, tools: settings.tools, maxTokens: Math.max(0, space) });
      first = kept[0];
      // Two user turns in a row are refused: after a user-role summary, the kept turns start after
      // their first user turn, which is left out of this prompt (not folded: it is folded with the next fold).
      if (rules && head[0]?.getType() === "human" && kept[0]?.getType() === "human") kept = kept.slice(1);
      promptTokens = countPromptTotal([...sent, ...head, ...kept].map(chat), settings).total;
      if (!rules || promptTokens <= budget || kept.length === 0 || round >= 20) break;
      space -= promptTokens - budget;
    }
    const cut = first ? startOf(conversation, kept[0] === first ? kept : [first, ...kept]) : conversation.length;
    return { messages: [...head, ...kept], ...(merged ? { system: merged } : {}), summary: text, truncated, promptTokens, cut };
  }

  /** The messages to fold, in pieces whose text fits one summarizer call. */
  #chunks(messages: BaseMessage[], model: string): BaseMessage[][] {
    const limit = Math.max(1, this.options.maxTokens);
    const counts = countMessages(messages.map(chat), { model }).perMessage;
    const chunks: BaseMessage[][] = [];
    let used = 0;
    for (const [i, message] of messages.entries()) {
      if (chunks.length === 0 || used + counts[i]! > limit) {
        chunks.push([]);
        used = 0;
      }
      chunks.at(-1)!.push(message);
      used += counts[i]!;
    }
    return chunks;
  }

  async #summarize(summary: string, messages: BaseMessage[], config?: Partial<RunnableConfig>): Promise<string> {
    const request = [
      new SystemMessage(this.options.summaryPrompt ?? DEFAULT_SUMMARY_PROMPT),
      new HumanMessage(
        `Current summary:\n${summary || "(none)"}\n\nNew lines of conversation:\n${getBufferString(messages)}\n\nNew summary:`,
      ),
    ];
    const callbacks = config?.callbacks ?? this.options.callbacks;
    const options = {
      ...(callbacks ? { callbacks } : {}),
      ...(config?.signal ? { signal: config.signal } : {}),
      tags: [SUMMARY_TAG],
      runName: SUMMARY_RUN_NAME,
      metadata: { tokenledger_role: "summary" },
    };
    const answer = await callSummarizer(this.options.summarizer, request, options, this.#timeoutMs);
    const text = contentText(answer?.content).trim();
    if (!text) throw new Error("the summarizer returned no text");
    return text;
  }

  #summaryMessage(summary: string): BaseMessage {
    const content = `${this.options.summaryPrefix ?? DEFAULT_SUMMARY_PREFIX}\n${summary}`;
    return this.options.summaryRole === "human" ? new HumanMessage(content) : new SystemMessage(content);
  }

  #tokensOf(message: BaseMessage, model: string): number {
    return countMessages([chat(message)], { model }).perMessage[0]!;
  }

  /** The longest head of `summary` whose message fits in `cap` tokens ("" when not even the prefix does). */
  #cut(summary: string, cap: number, model: string): string {
    let low = 0;
    let high = summary.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (this.#tokensOf(this.#summaryMessage(summary.slice(0, mid)), model) <= cap) low = mid;
      else high = mid - 1;
    }
    const head = summary.slice(0, low);
    if (!head || this.#tokensOf(this.#summaryMessage(head), model) > cap) return "";
    return head;
  }
}

/** One new system message: the system prompt's text (its other fields kept), a blank line, the summary. */
function mergedSystem(system: BaseMessage[], summary: BaseMessage): BaseMessage[] {
  const first = system[0]!;
  const text = [...system, summary].map((m) => contentText(m.content)).join("\n\n");
  return [new SystemMessage({ content: text, additional_kwargs: { ...first.additional_kwargs } })];
}

function chat(message: BaseMessage) {
  return toChatMessage(message);
}

/** The text of a message's content: a string as it is, else its text parts joined. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (typeof part === "string" ? part : typeof part?.text === "string" ? part.text : "")).join("");
}

/**
 * Where the kept messages start in the conversation: they are its newest (some may be left out for
 * validity), so they are matched from the end, by identity. An object that appears twice is
 * matched at its newest position, so no message between two copies is lost.
 */
function startOf(conversation: BaseMessage[], kept: BaseMessage[]): number {
  let j = conversation.length;
  for (let k = kept.length - 1; k >= 0; k--) {
    j--;
    while (j >= 0 && conversation[j] !== kept[k]) j--;
    if (j < 0) return Math.max(0, conversation.indexOf(kept[0]!));
  }
  return j;
}
