import type { BaseMessage } from "@langchain/core/messages";
import { createMiddleware } from "langchain";
import { chatModelName } from "../counters/index.js";
import { SummaryBuffer, type SummaryBufferOptions, type SummaryBufferResult } from "../memory/index.js";
import { failureText, reportOnce } from "../shared/index.js";

export interface SummaryBufferMiddlewareOptions extends Omit<SummaryBufferOptions, "tools"> {
  /**
   * Called after each fit with what it did (folded messages, summary calls, prompt tokens,
   * `degraded`). What it throws (or its promise rejects with) never reaches the agent: it goes to
   * `console.debug` once under `TOKENLEDGER_DEBUG`.
   */
  onResult?: (result: SummaryBufferResult) => void;
}

/**
 * Summary buffer memory for `createAgent`: before each model call, what no longer fits
 * `maxTokens` (system prompt and tools included) is folded into a running summary by your
 * `summarizer`, and the model gets the summary plus the newest turns verbatim. The agent's
 * state keeps every message; each thread (`configurable.thread_id`) has its own summary (without
 * one, each conversation's message objects do: users never share one).
 * The summarizer's calls are runs of their own, tagged `tokenledger:summary`. If it fails,
 * the call is plainly trimmed and `onResult` sees `degraded: true`.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   model: new ChatOpenAI({ model: "gpt-4o" }),
 *   tools,
 *   middleware: [summaryBufferMiddleware({ summarizer: new ChatOpenAI({ model: "gpt-4o-mini" }), maxTokens: 8000 })],
 * });
 * ```
 */
export function summaryBufferMiddleware(options: SummaryBufferMiddlewareOptions) {
  const buffer = new SummaryBuffer(options);
  return createMiddleware({
    name: "SummaryBufferMiddleware",
    wrapModelCall: async (request, handler) => {
      const system = request.systemMessage && hasText(request.systemMessage) ? [request.systemMessage] : [];
      const thread = (request.runtime?.configurable as { thread_id?: unknown } | undefined)?.thread_id;
      const result = await buffer.fit({
        system,
        messages: request.messages,
        thread: thread === undefined ? undefined : String(thread),
        model: options.model ?? chatModelName(request.model),
        tools: request.tools,
      });
      notify(options.onResult, result);
      // A template that takes one system message (Gemma, Mistral): the summary is merged into a new one.
      const systemMessage = result.system?.[0] as typeof request.systemMessage | undefined;
      return handler({ ...request, ...(systemMessage ? { systemMessage } : {}), messages: result.messages });
    },
  });
}

/** Calls the listener; what it throws, or its promise rejects with, goes to the debug channel, never into the agent. */
function notify(listener: SummaryBufferMiddlewareOptions["onResult"], result: SummaryBufferResult): void {
  const report = (error: unknown) =>
    reportOnce(
      "summaryBufferMiddleware.onResult",
      "summaryBufferMiddleware",
      () => `onResult failed: ${failureText(error, "unknown error")}`,
    );
  try {
    const returned: unknown = listener?.(result);
    if (typeof (returned as PromiseLike<unknown> | undefined)?.then === "function")
      (returned as PromiseLike<unknown>).then(undefined, report);
  } catch (error) {
    report(error);
  }
}

function hasText(message: BaseMessage): boolean {
  return typeof message.content === "string" ? message.content !== "" : Array.isArray(message.content) && message.content.length > 0;
}
