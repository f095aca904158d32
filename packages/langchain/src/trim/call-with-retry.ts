import type { BaseMessage } from "@langchain/core/messages";
import { DEFAULT_MODEL } from "@tokenledger/core";
import { ContextWindowExceededError, parseContextWindowError, planRetry } from "../recovery/index.js";
import { budgetOf } from "./prompt-budget.js";
import { resolveCounterOption } from "./resolve-counter-option.js";
import { type TrimOptions, trimHistoryAsync } from "./trim-history.js";

/**
 * Trims `messages` and calls `call` with what is kept. When the provider refuses the prompt for
 * its length: reads its size, records it in the calibration, trims again to a budget scaled by
 * (its count / ours) and calls once more. A refused retry, or a retry that cannot fit, is a
 * `ContextWindowExceededError`; other errors pass through.
 *
 * @example
 * ```ts
 * const reply = await callWithRetry(messages, { model: "claude-sonnet-4-5", maxTokens: 1400, calibration }, (kept) => model.invoke(kept));
 * ```
 */
export async function callWithRetry<T>(
  messages: BaseMessage[],
  options: TrimOptions,
  call: (kept: BaseMessage[]) => Promise<T>,
): Promise<T> {
  const kept = await trimHistoryAsync(messages, options);
  try {
    return await call(kept);
  } catch (error) {
    const refusal = parseContextWindowError(error);
    if (!refusal) throw error;
    const resolved = resolveCounterOption(options);
    const model = resolved.model ?? DEFAULT_MODEL;
    const custom = typeof resolved.tokenCounter === "function" ? resolved.tokenCounter : undefined;
    let counted: number | undefined;
    if (custom) {
      try {
        const n = await custom(kept);
        counted = typeof n === "number" && Number.isFinite(n) && n > 0 ? n : undefined;
      } catch {
        counted = undefined;
      }
    }
    const plan = planRetry({
      refusal,
      model,
      sent: kept,
      tools: resolved.tools,
      budget: budgetOf(options.maxTokens, model, options.reserveOutputTokens),
      calibration: options.calibration,
      ...(counted === undefined ? {} : { counted }),
    });
    let retryKept: BaseMessage[];
    try {
      retryKept = await trimHistoryAsync(messages, { ...options, maxTokens: plan.budget, calibration: undefined });
    } catch (cause) {
      throw new ContextWindowExceededError(refusal, model, { cause });
    }
    try {
      return await call(retryKept);
    } catch (again) {
      const second = parseContextWindowError(again);
      throw second ? new ContextWindowExceededError(second, model, { retried: true, cause: again }) : again;
    }
  }
}
