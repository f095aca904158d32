import type { RunnableConfig } from "@langchain/core/runnables";
import { type Runnable, RunnableLambda } from "@langchain/core/runnables";
import { ContextWindowExceededError, refusedAgain } from "./context-window-exceeded-error.js";
import { type ContextWindowRefusal, parseContextWindowError } from "./parse-context-window-error.js";

/**
 * Learns from a refusal before the retry: return true when something changed so that the retry
 * can fit (e.g. `TrimmedChatMessageHistory#recordRefusal`), false to give up.
 */
export type RefusalListener = (
  error: unknown,
  refusal: ContextWindowRefusal,
  config: RunnableConfig | undefined,
) => boolean | Promise<boolean>;

/**
 * Runs `runnable`; when the provider refuses the prompt for its length, calls `onRefusal` and, if
 * it returns true, runs it once more with the same input and config. A second refusal (or a
 * first one `onRefusal` cannot act on) is a `ContextWindowExceededError` with the sizes; other
 * errors pass through unchanged. Both attempts run under this runnable's run, so the ledger shows
 * them as two runs of one trace.
 *
 * @example
 * ```ts
 * const chat = withRefusalRetry(chainWithHistory, (error, _refusal, config) =>
 *   getMessageHistory(config?.configurable?.sessionId).recordRefusal(error));
 * await chat.invoke({ input: "Hi" }, { configurable: { sessionId: "a" } });
 * ```
 */
export function withRefusalRetry<I, O>(runnable: Runnable<I, O>, onRefusal: RefusalListener, model = "the model"): Runnable<I, O> {
  return RunnableLambda.from(async (input: I, config?: RunnableConfig) => {
    try {
      return await runnable.invoke(input, config);
    } catch (error) {
      const refusal = parseContextWindowError(error);
      if (!refusal) throw error;
      if (!(await onRefusal(error, refusal, config))) throw new ContextWindowExceededError(refusal, model, { cause: error });
      try {
        return await runnable.invoke(input, config);
      } catch (again) {
        throw refusedAgain(again, model);
      }
    }
  }).withConfig({ runName: "refusal_retry" }) as unknown as Runnable<I, O>;
}
