import type { ProviderUsage, ReportedUsage } from "./read-provider-usage.js";

/** Where a record's token numbers come from. */
export type UsageSource = "provider" | "provider-estimate" | "local";

export interface UsageEvidence {
  /** Served from LangChain's model cache: nothing was sent. */
  cached: boolean;
  /** What the provider reported, validated (`readProviderUsage`). */
  provider: ProviderUsage;
  /** Our count of the prompt before the call, when made. */
  estimatedInputTokens?: number;
  /** Counts the output locally; called only when the provider gave no output number. */
  localOutputTokens: () => number;
  /** The run ended in an error. */
  failed: boolean;
}

export interface ResolvedUsage {
  inputTokens: number;
  outputTokens: number;
  source: UsageSource;
  /** The provider's numbers, when used. */
  reported?: ReportedUsage;
  /** The provider sent numbers that failed validation; ours were used instead. */
  invalidUsage: boolean;
}

/**
 * A run's token numbers, in order of trust: the provider's (`provider`, or `provider-estimate`
 * for LangChain's own estimate), then ours (`local`: our pre-call count of the prompt, the output
 * counted from the generations). A call that failed with nothing produced records 0 input, since
 * nothing was billed; a cache hit records 0 and 0. Every number returned is a non-negative integer.
 *
 * @example
 * ```ts
 * resolveUsage({ cached: false, provider: { problems: [] }, estimatedInputTokens: 12, localOutputTokens: () => 3, failed: false });
 * // { inputTokens: 12, outputTokens: 3, source: "local", invalidUsage: false }
 * ```
 */
export function resolveUsage(evidence: UsageEvidence): ResolvedUsage {
  const invalidUsage = evidence.provider.problems.length > 0;
  if (evidence.cached) return { inputTokens: 0, outputTokens: 0, source: "local", invalidUsage };
  const estimate = evidence.estimatedInputTokens === undefined ? undefined : clampTokenCount(evidence.estimatedInputTokens);
  const reported = evidence.provider.reported;
  if (reported) {
    return {
      inputTokens: reported.inputTokens ?? estimate ?? 0,
      outputTokens: reported.outputTokens ?? clampTokenCount(evidence.localOutputTokens()),
      source: reported.from === "estimatedTokenUsage" ? "provider-estimate" : "provider",
      reported,
      invalidUsage,
    };
  }
  const outputTokens = clampTokenCount(evidence.localOutputTokens());
  const nothingSent = evidence.failed && outputTokens === 0;
  return { inputTokens: nothingSent ? 0 : (estimate ?? 0), outputTokens, source: "local", invalidUsage };
}

/**
 * A count as a non-negative integer: NaN, negatives and non-numbers become 0, fractions are floored.
 *
 * @example
 * ```ts
 * clampTokenCount(2.5); // 2
 * ```
 */
export function clampTokenCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.min(Math.floor(value), Number.MAX_SAFE_INTEGER) : 0;
}
