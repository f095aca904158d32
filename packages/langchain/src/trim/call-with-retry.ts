import type { BaseMessage } from "@langchain/core/messages";
import { DEFAULT_MODEL } from "@tokenledger/core";
import { ContextWindowExceededError, parseContextWindowError, planRetry, refusedAgain } from "../recovery/index.js";
import { budgetOf } from "./prompt-budget.js";
import { resolveCounterOption } from "./resolve-counter-option.js";
import { type TrimOptions, trimHistoryAsync } from "./trim-history.js";

/**
 * What a trimmer (or middleware) remembers between calls of refusals its calibration could not
 * learn (no calibration given, or a provider that states no sizes): a cap, in our counts, that a
 * retry showed to fit. It only ever shrinks.
 */
export interface RefusalMemory {
  cap?: number;
}

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
  memory: RefusalMemory = {},
): Promise<T> {
  const capped = memory.cap === undefined ? options : { ...options, maxTokens: Math.min(budgetOfOptions(options), memory.cap) };
  const kept = await trimHistoryAsync(messages, capped);
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
      budget: budgetOf(capped.maxTokens, model, options.reserveOutputTokens),
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
      const answer = await call(retryKept);
      if (!plan.observed) memory.cap = Math.min(memory.cap ?? Number.POSITIVE_INFINITY, plan.budget);
      return answer;
    } catch (again) {
      throw refusedAgain(again, model);
    }
  }
}

function budgetOfOptions(options: TrimOptions): number {
  return budgetOf(options.maxTokens, resolveCounterOption(options).model ?? DEFAULT_MODEL, options.reserveOutputTokens);
}
