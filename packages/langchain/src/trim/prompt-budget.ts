import { resolveModel } from "@tokenledger/core";
import { TrimError } from "./trim-error.js";

/**
 * The largest share of the context window kept free for the answer by default. Providers size
 * output limits at most this large (gpt-5: 128,000 of 400,000; o1: 100,000 of 200,000); a model
 * whose listed max output is the whole window (gpt-4: 8,192 of 8,192) would otherwise leave no prompt.
 */
export const DEFAULT_RESERVE_SHARE = 0.5;

/** `value` if it is a finite number >= 0, else a TrimError naming `what`. */
export function requireTokenCount(value: unknown, what: string): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  throw new TrimError(`trimHistory: ${what} must be a finite number >= 0, got ${describeValue(value)}`);
}

/**
 * The prompt budget of a window: `window - reserve`, where the reserve defaults to the model's max
 * output tokens capped at `DEFAULT_RESERVE_SHARE` of the window (all of that share when the max
 * output is unknown). Never negative; a bad number is a TrimError.
 */
export function promptBudget(window: number, maxOutputTokens: number | undefined, reserveOutputTokens: number | undefined): number {
  const cap = Math.floor(requireTokenCount(window, "the context window") * DEFAULT_RESERVE_SHARE);
  const reserve =
    reserveOutputTokens !== undefined
      ? requireTokenCount(reserveOutputTokens, "reserveOutputTokens")
      : Math.min(cap, maxOutputTokens !== undefined && Number.isFinite(maxOutputTokens) && maxOutputTokens >= 0 ? maxOutputTokens : cap);
  return Math.max(0, window - reserve);
}

/** The budget from `maxTokens`, else from the model's context window in tokenledger's table. */
export function budgetOf(maxTokens: number | undefined, model: string | undefined, reserveOutputTokens: number | undefined): number {
  if (reserveOutputTokens !== undefined) requireTokenCount(reserveOutputTokens, "reserveOutputTokens");
  if (maxTokens !== undefined) return requireTokenCount(maxTokens, "maxTokens");
  const info = typeof model === "string" ? resolveModel(model) : undefined;
  if (!info?.contextWindow) {
    throw new TrimError(
      `trimHistory: give maxTokens, or a model whose context window is known (${model ?? "no model given"}); registerModel() adds one`,
    );
  }
  return promptBudget(info.contextWindow, info.maxOutputTokens, reserveOutputTokens);
}

/** A short, never-throwing description of a value for an error message. */
export function describeValue(value: unknown): string {
  try {
    if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    if (typeof value === "object" && value !== null)
      return typeof (value as { then?: unknown }).then === "function" ? "a Promise" : "an object";
    return String(value);
  } catch {
    return typeof value;
  }
}
