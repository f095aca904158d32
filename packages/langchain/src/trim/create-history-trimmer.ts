import type { BaseMessage } from "@langchain/core/messages";
import { type Runnable, type RunnableConfig, RunnableLambda } from "@langchain/core/runnables";
import { callWithRetry, type RefusalMemory } from "./call-with-retry.js";
import { type TrimOptions, trimHistoryAsync } from "./trim-history.js";

type TrimmerInput = BaseMessage[] | { toChatMessages(): BaseMessage[] };

/** A chat model, or any runnable that takes a message list. */
type ChatRunnable<O> = { invoke(input: BaseMessage[], config?: RunnableConfig): Promise<O> };

/**
 * `trimHistory` as a Runnable, to place between a prompt and a model. Takes a message
 * list or a chat prompt value and returns the messages that fit. An async `tokenCounter` is awaited.
 *
 * Given the chat model as well, the trimmer calls it and returns its answer, and recovers from a
 * context-length refusal: it reads the provider's size from the error, records it in
 * `calibration` (when given), trims again to a budget scaled by (provider's count / ours) and
 * calls once more. The refused call and the retry are two runs of the trimmer's run, so one trace.
 * What the calibration cannot learn (no `calibration` given, or a provider that states no sizes)
 * the trimmer keeps as a cap on later budgets: the retry's budget, which fit.
 * A refused retry is a `ContextWindowExceededError` with the sizes.
 *
 * @example
 * ```ts
 * const chain = prompt.pipe(createHistoryTrimmer({ model: "gpt-4o-mini", maxTokens: 4000, includeSystem: true })).pipe(model);
 * // or, retrying once on a refusal:
 * const chat = prompt.pipe(createHistoryTrimmer({ model: "claude-sonnet-4-5", maxTokens: 150_000, includeSystem: true, calibration }, model));
 * ```
 */
export function createHistoryTrimmer(options: TrimOptions): Runnable<TrimmerInput, BaseMessage[]>;
export function createHistoryTrimmer<O>(options: TrimOptions, chatModel: ChatRunnable<O>): Runnable<TrimmerInput, O>;
export function createHistoryTrimmer<O>(options: TrimOptions, chatModel?: ChatRunnable<O>): Runnable<TrimmerInput, BaseMessage[] | O> {
  const messagesOf = (input: TrimmerInput) => (Array.isArray(input) ? input : input.toChatMessages());
  if (!chatModel) {
    return RunnableLambda.from((input: TrimmerInput) => trimHistoryAsync(messagesOf(input), options)).withConfig({
      runName: "trim_history",
    });
  }
  const memory: RefusalMemory = {};
  return RunnableLambda.from((input: TrimmerInput, config?: RunnableConfig) =>
    callWithRetry(messagesOf(input), options, (kept) => chatModel.invoke(kept, config), memory),
  ).withConfig({ runName: "trim_history" }) as Runnable<TrimmerInput, O>;
}
