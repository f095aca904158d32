import type { BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { SummarizerLike } from "./summary-buffer.js";

/** Longest timer `setTimeout` keeps; a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Calls the summarizer, cut off after `timeoutMs` (its `signal` is aborted and the call rejects
 * with a timeout error; `Infinity`: no limit). A summarizer that throws synchronously rejects.
 *
 * @example
 * ```ts
 * const answer = await callSummarizer(summarizer, request, { tags: [SUMMARY_TAG] }, 30_000);
 * ```
 */
export async function callSummarizer(
  summarizer: SummarizerLike,
  request: BaseMessage[],
  options: Partial<RunnableConfig>,
  timeoutMs: number,
): Promise<{ content: unknown }> {
  const controller = new AbortController();
  const signal =
    options.signal && typeof AbortSignal.any === "function" ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const answer = Promise.resolve().then(() => summarizer.invoke(request, { ...options, signal }));
  if (!(timeoutMs < MAX_TIMER_MS)) return answer;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`the summarizer did not answer within ${timeoutMs} ms`));
      controller.abort();
    }, timeoutMs);
  });
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
