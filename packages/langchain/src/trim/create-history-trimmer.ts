import type { BaseMessage } from "@langchain/core/messages";
import { type Runnable, RunnableLambda } from "@langchain/core/runnables";
import { type TrimOptions, trimHistoryAsync } from "./trim-history.js";

type TrimmerInput = BaseMessage[] | { toChatMessages(): BaseMessage[] };

/**
 * `trimHistory` as a Runnable, to place between a prompt and a model. Takes a message
 * list or a chat prompt value and returns the messages that fit. An async `tokenCounter` is awaited.
 *
 * @example
 * ```ts
 * const chain = prompt.pipe(createHistoryTrimmer({ model: "gpt-4o-mini", maxTokens: 4000, includeSystem: true })).pipe(model);
 * ```
 */
export function createHistoryTrimmer(options: TrimOptions): Runnable<TrimmerInput, BaseMessage[]> {
  return RunnableLambda.from((input: TrimmerInput) => {
    const messages = Array.isArray(input) ? input : input.toChatMessages();
    return trimHistoryAsync(messages, options);
  }).withConfig({ runName: "trim_history" });
}
