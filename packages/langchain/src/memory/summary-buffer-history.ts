import type { BaseChatMessageHistory } from "@langchain/core/chat_history";
import { type BaseMessage, SystemMessage } from "@langchain/core/messages";
import { toToolDefinitions } from "../shared/index.js";
import { TrimmedChatMessageHistory, templateRulesOf } from "../trim/index.js";
import { SummaryBuffer, type SummaryBufferOptions, type SummaryBufferResult } from "./summary-buffer.js";

export interface SummaryBufferHistoryOptions extends SummaryBufferOptions {
  /** The system prompt your prompt template puts before the history: counted in the budget, never summarized. */
  systemPrompt?: string | BaseMessage;
}

/**
 * Summary buffer memory, as Python LangChain's `ConversationSummaryBufferMemory`: wraps any
 * chat history; `getMessages()` returns a running summary of what no longer fits and the
 * newest turns verbatim, so that system prompt + summary + turns + tools fit `maxTokens`.
 * What falls out is folded into the summary by the `summarizer` you choose (its calls are
 * tagged `tokenledger:summary`). The wrapped store keeps every message. When the summarizer
 * fails, the prompt is plain trimming and `lastResult.degraded` is set; the same messages
 * are folded on a later call.
 *
 * @example
 * ```ts
 * const memory = new SummaryBufferChatMessageHistory(new InMemoryChatMessageHistory(), {
 *   summarizer: new ChatOpenAI({ model: "gpt-4o-mini" }), model: "gpt-4o", maxTokens: 2000,
 *   systemPrompt: "You are a travel assistant.", callbacks: [ledger],
 * });
 * await memory.addMessage(new HumanMessage("My name is Ada."));
 * await memory.getMessages(); // [SystemMessage("Summary of the earlier conversation: ..."), ...newest turns]
 * ```
 */
export class SummaryBufferChatMessageHistory extends TrimmedChatMessageHistory {
  readonly buffer: SummaryBuffer;
  /** What the last `getMessages()` did: folded messages, summary calls, prompt tokens, `degraded`. */
  lastResult?: SummaryBufferResult;
  readonly #system: BaseMessage[];

  constructor(inner: BaseChatMessageHistory, options: SummaryBufferHistoryOptions) {
    super(inner, { maxTokens: options.maxTokens, model: options.model, tools: toToolDefinitions(options.tools) });
    const system = options.systemPrompt;
    this.#system = system === undefined ? [] : [typeof system === "string" ? new SystemMessage(system) : system];
    // Your prompt puts the system prompt first; a template that takes one system message, first
    // (Gemma 3, Mistral NeMo), gets the summary as the first user turn instead.
    const userRole = this.#system.length > 0 && templateRulesOf(options.model ?? "") !== undefined;
    this.buffer = new SummaryBuffer(userRole ? { ...options, summaryRole: "human" } : options);
  }

  /** The running summary ("" until something was folded). */
  get summary(): string {
    return this.buffer.summaryOf();
  }

  override async getMessages(): Promise<BaseMessage[]> {
    const all = await this.inner.getMessages();
    // This history's own buffer: its one conversation is the "default" thread, which also holds
    // for a store that reads new message objects each time.
    this.lastResult = await this.buffer.fit({ system: this.#system, messages: all, thread: "default" });
    return this.lastResult.messages;
  }

  override async clear(): Promise<void> {
    await this.inner.clear();
    this.buffer.forget();
  }
}
