import type { BaseMessage } from "@langchain/core/messages";
import { type Runnable, type RunnableConfig, RunnableLambda } from "@langchain/core/runnables";
import { SummaryBuffer, type SummaryBufferOptions } from "./summary-buffer.js";

type BufferInput = BaseMessage[] | { toChatMessages(): BaseMessage[] };

/**
 * Summary buffer memory as a Runnable, to place between a prompt and a model: the leading
 * system messages pass through (counted), what no longer fits is folded into a running
 * summary, and the newest turns follow verbatim, all within `maxTokens`. Each conversation
 * (`configurable.thread_id` or `sessionId`) keeps its own summary; without a key, a summary
 * is used again only for the same message objects in the same positions. The summarizer's
 * calls are child runs tagged `tokenledger:summary`.
 *
 * @example
 * ```ts
 * const memory = createSummaryBuffer({ summarizer: new ChatOpenAI({ model: "gpt-4o-mini" }), model: "gpt-4o", maxTokens: 4000 });
 * const chain = prompt.pipe(memory).pipe(new ChatOpenAI({ model: "gpt-4o" }));
 * await chain.invoke({ history }, { configurable: { thread_id: "user-42" }, callbacks: [ledger] });
 * ```
 */
export function createSummaryBuffer(options: SummaryBufferOptions): Runnable<BufferInput, BaseMessage[]> {
  const buffer = new SummaryBuffer(options);
  return RunnableLambda.from(async (input: BufferInput, config?: RunnableConfig) => {
    const messages = Array.isArray(input) ? input : input.toChatMessages();
    let systemEnd = 0;
    while (systemEnd < messages.length && messages[systemEnd]!.getType?.() === "system") systemEnd++;
    const system = messages.slice(0, systemEnd);
    const configurable = config?.configurable as { thread_id?: unknown; sessionId?: unknown } | undefined;
    const key = configurable?.thread_id ?? configurable?.sessionId;
    // Without a key, the summary belongs to the conversation's message objects, never to every caller.
    const thread = key === undefined || key === null ? undefined : String(key);
    const result = await buffer.fit({ system, messages: messages.slice(systemEnd), thread }, config);
    return [...(result.system ?? system), ...result.messages];
  }).withConfig({ runName: "summary_buffer" });
}
