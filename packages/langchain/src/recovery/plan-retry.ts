import type { BaseMessage } from "@langchain/core/messages";
import type { ToolDefinition } from "@tokenledger/core";
import { countPromptTotal } from "@tokenledger/core/internal";
import type { TrimCalibration } from "../calibration/index.js";
import { toChatMessage } from "../counters/index.js";
import type { ContextWindowRefusal } from "./parse-context-window-error.js";

/**
 * The headroom a retry keeps: the part of the prompt kept on the retry can count differently from
 * the whole (a chat that changed language), so the scaled budget is cut by this share too.
 */
export const RETRY_HEADROOM = 0.05;
/** When the provider states no sizes (Ollama), the retry sends this share of what was refused. */
export const BLIND_RETRY_SHARE = 0.75;

export interface RetryInput {
  /** The refusal read from the provider's error. */
  refusal: ContextWindowRefusal;
  /** The model whose rules we count with (and whose calibration learns). */
  model: string;
  /** What was sent and refused: every message, system included. */
  sent: BaseMessage[];
  tools?: ToolDefinition[];
  /** The prompt budget the refused trim used (the caller's maxTokens, before calibration). */
  budget: number;
  /** Learns the refusal's ratio when it can (`observe`). */
  calibration?: TrimCalibration;
  /** Our count of `sent` when the caller counts with its own counter; default: the model's rules. */
  counted?: number;
}

export interface RetryPlan {
  /** The budget, in our counts, that the retry trims to (give it without a calibration: it is scaled already). */
  budget: number;
  /** Our count of what was refused. */
  counted: number;
  /** The provider's prompt tokens over ours, when the provider stated its prompt size. */
  ratio: number | undefined;
  /** Whether the calibration took the refusal as an observation. */
  observed: boolean;
}

/**
 * What to do after a refusal: records the provider's size as a calibration observation and gives
 * the budget the one retry trims to. Our count of what was sent is scaled by the provider's
 * (input limit / its count of the prompt): the limit is the window less the stated output, else
 * the window, never more than `budget`; then `RETRY_HEADROOM` is kept. Without stated sizes the
 * retry keeps `BLIND_RETRY_SHARE` of what was sent. The budget is always below our count of what
 * was refused, so a retry never resends the same prompt. Never throws.
 *
 * @example
 * ```ts
 * planRetry({ refusal, model: "claude-sonnet-4-5", sent: kept, budget: 1400, calibration });
 * // { budget: 1180, counted: 1390, ratio: 1.12, observed: true }
 * ```
 */
export function planRetry(input: RetryInput): RetryPlan {
  const { refusal, model, budget } = input;
  const counted = input.counted ?? countOf(input.sent, model, input.tools);
  const provided = refusal.inputTokens;
  const ratio = provided !== undefined && counted > 0 ? provided / counted : undefined;
  let observed = false;
  if (ratio !== undefined && provided !== undefined) {
    try {
      const prompt = { messages: input.sent, ...(input.tools === undefined ? {} : { tools: input.tools }) };
      observed = input.calibration?.observe?.(model, counted, provided, prompt) === true;
    } catch {
      observed = false;
    }
  }
  let target: number;
  if (ratio !== undefined) {
    const limit = inputLimit(refusal);
    const allowed = Math.min(Number.isFinite(budget) ? budget : Number.POSITIVE_INFINITY, limit ?? Number.POSITIVE_INFINITY);
    target = Number.isFinite(allowed) ? Math.floor((allowed / ratio) * (1 - RETRY_HEADROOM)) : Math.floor(counted * BLIND_RETRY_SHARE);
  } else if (refusal.requestedTokens !== undefined && refusal.maxTokens !== undefined && refusal.requestedTokens > 0) {
    // Only the total is stated: shrink what was sent by the total's overshoot, with the headroom.
    target = Math.floor(counted * (refusal.maxTokens / refusal.requestedTokens) * (1 - RETRY_HEADROOM));
  } else {
    target = Math.floor(counted * BLIND_RETRY_SHARE);
  }
  return { budget: Math.max(0, Math.min(target, counted - 1)), counted, ratio, observed };
}

/** The provider's limit on the prompt alone: the window less the stated output, else the window. */
export function inputLimit(refusal: ContextWindowRefusal): number | undefined {
  if (refusal.maxTokens === undefined) return undefined;
  if (refusal.outputTokens !== undefined) return Math.max(0, refusal.maxTokens - refusal.outputTokens);
  if (refusal.requestedTokens !== undefined && refusal.inputTokens !== undefined) {
    return Math.max(0, refusal.maxTokens - (refusal.requestedTokens - refusal.inputTokens));
  }
  return refusal.maxTokens;
}

/** Our count of a prompt by the model's rules; 0 when it cannot be counted. */
export function countOf(messages: BaseMessage[], model: string, tools: ToolDefinition[] | undefined): number {
  return promptCount(messages, model, tools).total;
}

/**
 * Our count of a prompt by the model's rules, and whether it is an estimate (a tokenizer we do not
 * have); `{ total: 0, approximate: true }` when it cannot be counted.
 */
export function promptCount(
  messages: BaseMessage[],
  model: string,
  tools: ToolDefinition[] | undefined,
): { total: number; approximate: boolean } {
  try {
    const count = countPromptTotal(
      messages.map((m) => toChatMessage(m)),
      { model, ...(tools?.length ? { tools } : {}) },
    );
    return { total: count.total, approximate: count.approximate === true };
  } catch {
    return { total: 0, approximate: true };
  }
}
